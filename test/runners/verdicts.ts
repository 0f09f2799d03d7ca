// The project's policy pack as the runner specs load it, and the one wording both specs compare
// its verdicts in: one line per finding (policy | resource | level | message), whether it came
// from the pack under Pulumi's pack runner or from the project's runner (policypack/runner.ts).
import * as fs from "fs";
import * as path from "path";
import { PACK_NAME, POLICIES, Violation } from "../../policypack/runner";
import { AnalyzedResource, Diagnostic } from "./engine";

export const ROOT = path.resolve(__dirname, "../..");
export const PACK_DIR = path.join(ROOT, "policypack");
export const PACK_CONFIG = path.join(PACK_DIR, "policy-config.json");
export const PACK_VERSION = JSON.parse(
    fs.readFileSync(path.join(PACK_DIR, "package.json"), "utf8"),
).version;

/** The pack's diagnostics, a line each, sorted; a diagnostic on no resource is the stack's. */
export function fromPack(
    ds: readonly Diagnostic[],
    resources: readonly AnalyzedResource[],
): string[] {
    const names = new Map(resources.map((r) => [r.urn, r.name]));
    return ds
        .map((d) => `${d.policy} | ${names.get(d.urn) ?? "(stack)"} | ${d.level} | ${d.message}`)
        .sort();
}

/**
 * The project's runner's violations, a line each as the pack server words them, sorted: the
 * server prefixes each message with the policy's description (server.js makeReportViolationFun),
 * and names the pack with its version in a "can't run" note of a preview.
 */
export function fromRunner(vs: readonly Violation[]): string[] {
    const description = new Map(POLICIES.map((p) => [p.name, p.description]));
    return vs
        .map((v) =>
            v.message.startsWith("can't run policy")
                ? `${v.policy} | ${v.resource} | ${v.enforcementLevel} | ${v.message.replace(
                      `'${PACK_NAME}'`,
                      `'${PACK_NAME}@v${PACK_VERSION}'`,
                  )}`
                : `${v.policy} | ${v.resource} | ${v.enforcementLevel} | ${description.get(v.policy)}\n${v.message}`,
        )
        .sort();
}
