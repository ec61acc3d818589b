// A free loopback port (npm run mock needs one for the Prism behind its front; tests and the bench use the same).
export { freePort } from "../../mock/free-port.ts";
