// Loads the libsodium that the node serves from its own binary (web/CMakeLists.txt embeds
// web/node_modules' libsodium-wrappers-sumo; no CDN) and initialises parvis-e2ee.js with it.
//
//   import { loadE2ee } from "/static/e2ee/load-sodium.js";
//   const e2ee = await loadE2ee();   // null: the encrypted messaging client is unavailable
//
// Unavailable means the node was built without web/node_modules (scripts/setup-npm.sh not
// run: /static/vendor-libsodium-wrappers.mjs answers 404), or the browser cannot run it
// (no WebAssembly, or a Content-Security-Policy without 'wasm-unsafe-eval').

export const SODIUM_URL = "/static/vendor-libsodium-wrappers.mjs";

let loading = null;

export function loadE2ee({ sodiumUrl = SODIUM_URL } = {}) {
  if (!loading) {
    loading = (async () => {
      try {
        const [module, e2ee] = await Promise.all([
          import(sodiumUrl),
          import("./parvis-e2ee.js"),
        ]);
        await e2ee.init(module.default || module);
        return e2ee;
      } catch (error) {
        console.warn("Parvis: the encrypted messaging client is unavailable:", error);
        return null;
      }
    })();
  }
  return loading;
}
