import type { Request } from "express";
import { canonicalAddress } from "../auth/ip-ranges.ts";

/** The socket's address, or the one a trusted proxy forwarded (Express's trust proxy), in canonical form. */
export function clientAddress(req: Pick<Request, "ip" | "socket">): string {
  return canonicalAddress(req.ip ?? req.socket.remoteAddress ?? "");
}
