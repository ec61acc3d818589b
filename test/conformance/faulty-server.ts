// A fresh reference server (its own store, so no run sees another's cases or failed credential exchanges) behind
// the contract-breaking proxy serving one fault, for the suite's self-test and the fault matrix.
import { startReferenceServer } from "../support/reference-server.ts";
import { startContractBreakingProxy, type Fault } from "./contract-breaking-proxy.ts";

export interface FaultyTarget {
  /** The proxy's base URL. */
  baseUrl: string;
  clientId: string;
  clientSecret: string;
}

/** Runs `run` against a fresh server behind `fault` (none: the proxy changes nothing), then stops both. */
export async function throughFault<T>(fault: Fault | undefined, run: (target: FaultyTarget) => Promise<T>): Promise<T> {
  const server = await startReferenceServer();
  const proxy = await startContractBreakingProxy(server.baseUrl, fault);
  try {
    return await run({ baseUrl: proxy.baseUrl, clientId: server.clientId, clientSecret: server.clientSecret });
  } finally {
    await proxy.close();
    await server.close();
  }
}
