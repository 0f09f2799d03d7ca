/**
 * Imported first by the policy:check CLI, before anything loads @pulumi/policy.
 *
 * @pulumi/policy's index loads policy.js, which loads the gRPC analyzer server (server.js) at once,
 * and the server loads all of @pulumi/pulumi, whose automation API loads TypeScript and npm's
 * arborist: about half a second of start-up, a fifth of the 2.5 s that 20,000 resources may take
 * end to end. The server is used only by `new PolicyPack(...)` (server.serve), which the engine's
 * policy host runs (policypack/index.ts) and policy:check never does: the CLI runs the policies
 * in-process through runner.ts. So the CLI puts a server module that refuses to serve in Node's
 * module cache in its place, when it is the program being run; every function the policies and the runner use
 * (validateResourceOfType, unknownCheckingProxy, UnknownValueError, the config schema) stays
 * @pulumi/policy's own code. Under the engine and in the tests nothing of this runs.
 */
import Module from "module";
import * as path from "path";
import { dispatchedCommand } from "../../cli/entry";

/** Only when policy:check is the program: a test or a tool importing check.ts keeps the server. */
const main = require.main?.filename;
/** `npx org-access check ...`: the dispatcher (cli/main.ts) imports this module first. */
const isDispatchedCheck = dispatchedCommand() === "check";
const isCheckCli =
    isDispatchedCheck ||
    (main !== undefined &&
        path.dirname(main) === __dirname &&
        /^check\.[jt]s$/.test(path.basename(main)));
const serverPath = require.resolve("@pulumi/policy/server");
if (isCheckCli && !require.cache[serverPath]) {
    const stub = new Module(serverPath, module);
    stub.filename = serverPath;
    stub.loaded = true;
    stub.exports = {
        serve(): never {
            throw new Error(
                "policy:check runs the pack in-process: it does not serve it to a Pulumi engine",
            );
        },
    };
    require.cache[serverPath] = stub;
}
