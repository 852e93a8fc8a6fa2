import type { LookupFunction } from "node:net";

/**
 * A `lookup` for http(s).request that always answers `address`: the socket connects to the IP
 * that was vetted, whatever DNS says by then, while the URL keeps its host name for the Host
 * header, TLS SNI and certificate checks.
 */
export function pinnedLookup(address: string, family: 4 | 6): LookupFunction {
  return (_host, options, callback) => {
    // With autoSelectFamily, net asks for every address at once.
    if (options.all) callback(null, [{ address, family }]);
    else callback(null, address, family);
  };
}
