// How verify's result is shown: one line per scenario, skipped scenario and CloudTrail lookup.
import { mismatches } from "../evidence/simulate";
import { delegatedAdministratorProblem, VerifyResult } from "./run";

/** The readable result: the SCP check, the caller, then every scenario as ok, FAIL or skip. */
export function toLines(result: VerifyResult): string[] {
    const bad = mismatches(result.evidence);
    const lines = [
        ...(result.organization
            ? [
                  ["serviceControlPolicies", "service control policies"] as const,
                  ["resourceControlPolicies", "resource control policies"] as const,
              ]
                  .filter(([key]) => result.organization!.roots.some((r) => r[key] !== undefined))
                  .map(
                      ([, what]) =>
                          `organization: ${what} enabled on ${result.organization!.roots.map((r) => r.id).join(", ")}`,
                  )
            : []),
        ...(result.rootAccess
            ? result.rootAccess.missing.length === 0
                ? [
                      `root access: centralized (trusted access for IAM; ${result.rootAccess.enabledFeatures.join(", ")})`,
                  ]
                : result.rootAccess.missing.map((m) => `FAIL  root access: not on: ${m}`)
            : []),
        ...(result.rootAccess?.iamDelegatedAdministrators ?? []).map(
            (a) => `FAIL  root access: ${delegatedAdministratorProblem(a)}`,
        ),
        `caller: ${result.caller.arn}`,
        `verified: ${result.evidence.length - bad.length} of ${result.evidence.length} scenarios as expected`,
    ];
    for (const e of result.evidence)
        lines.push(
            `  ${e.expected === e.simulated ? "ok  " : "FAIL"}  ${e.accountId} ${e.role} ${e.scenario}: ${e.simulated} (expected ${e.expected}): ${e.reason}`,
        );
    for (const s of result.skipped)
        lines.push(`  skip  ${s.accountId} ${s.role} ${s.scenario}: ${s.reason}`);
    for (const t of result.cloudtrail)
        lines.push(
            `  trail ${t.accountId} ${t.role}: ${t.events} AssumeRole event(s) in the last hour${t.latest ? `, latest ${t.latest}` : " (CloudTrail can take up to 15 minutes to show new events)"}`,
        );
    return lines;
}
