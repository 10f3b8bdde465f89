/** The RESP server of the embedded engine (`narwhal serve`). */
export { startServer, type RunningServer, type ServerOptions } from "./server";
