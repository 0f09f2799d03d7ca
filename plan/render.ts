// How the offline plan is shown: the table of resources by account, the pack's verdicts, the
// evidence lines, the warnings and the --json document. Pure functions of planned stacks.
import { formatProblems } from "../config";
import { Counterexample, ProofResult } from "../evidence/proofs";
import { EvidenceEntry, mismatches } from "../evidence/simulate";
import { Violation } from "../policypack/runner";
import { allAliases, StackDiff } from "./diff";
import { StackPlan } from "./offline";
import { PlannedResource, PlanResult } from "./run";

/** Cloud resources and providers; components and stack references are not deployed anywhere. */
export function deployed(resources: readonly PlannedResource[]): PlannedResource[] {
    return resources.filter((r) => !r.component && r.type !== "pulumi:pulumi:StackReference");
}

/** The plan's JSON; with `diffs` (--against), each stack's `diff` too. */
export function toJson(plans: readonly StackPlan[], diffs?: readonly StackDiff[]): unknown {
    const one = (p: StackPlan) => {
        // Each resource's aliases, its parent's included: every URN the engine may find it under.
        const aliases = allAliases(p.result.resources);
        const diff = diffs?.find((d) => d.stack === p.result.stack);
        return {
            stack: p.result.stack,
            resources: deployed(p.result.resources).map((res) => ({
                type: res.type,
                name: res.name,
                urn: res.urn,
                accountId: res.accountId,
                props: readableProps(res),
                // By URN, so that policy:check can run the stack policies over this JSON as the plan does.
                ...(res.options.parent ? { parent: res.options.parent } : {}),
                ...(res.provider ? { provider: res.provider.urn } : {}),
                options: {
                    protect: res.options.protect,
                    retainOnDelete: res.options.retainOnDelete,
                    dependsOn: res.options.dependsOn,
                    aliases: aliases.get(res.urn) ?? [],
                },
            })),
            evidence: p.evidence,
            proofs: p.proofs,
            violations: p.violations,
            // As check --json: the pack config's suppressions, each with what it did here.
            ...(p.suppressions?.length
                ? {
                      suppressions: p.suppressions.map((u) => ({
                          policy: u.policy,
                          suppression: u.suppression,
                          status: u.status,
                          matched: u.matched,
                      })),
                  }
                : {}),
            warnings: p.warnings,
            engine: p.engine,
            ...(diff
                ? {
                      diff: {
                          creates: diff.creates,
                          deletes: diff.deletes,
                          replaces: diff.replaces,
                          aliased: diff.aliased,
                          removals: diff.removals,
                          errors: diff.errors,
                      },
                  }
                : {}),
        };
    };
    return plans.length === 1 ? one(plans[0]) : { stacks: plans.map(one) };
}

/** The warnings of each planned stack, one block per stack, in the config-error format. */
export function warningLines(plans: readonly StackPlan[]): string[] {
    return plans
        .filter((p) => p.warnings.length > 0)
        .map((p) =>
            formatProblems(p.result.stack, p.warnings).replace(
                /^invalid configuration for stack "([^"]+)" \((\d+) problems?\)/,
                (_, stack: string, n: string) =>
                    `stack "${stack}": ${n} value(s) to replace before pulumi up (npm start -- --strict fails on them)`,
            ),
        );
}

/** The pack's verdicts, one line each. */
export function violationLines(violations: readonly Violation[]): string[] {
    const mandatory = violations.filter((v) => v.enforcementLevel === "mandatory").length;
    return [
        `policy pack: ${violations.length === 0 ? "no violations" : `${mandatory} mandatory, ${violations.length - mandatory} advisory violation(s)`}`,
        ...violations.map(
            (v) =>
                `  ${v.enforcementLevel.toUpperCase().padEnd(9)} ${v.policy} on ${v.resource}: ${v.message}${v.finding ? ` (finding ${v.finding})` : ""}`,
        ),
    ];
}

/**
 * One line when a suppression of the pack config needs a look: expired (its violations are back)
 * or unused (it accepts no finding of this stack: fixed, or its findings' ids changed). The report
 * lists each; active ones say nothing here.
 */
export function suppressionLine(p: StackPlan): string[] {
    const uses = p.suppressions ?? [];
    const expired = uses.filter((u) => u.status === "expired").length;
    const unused = uses.filter((u) => u.status === "unused").length;
    if (expired + unused === 0) return [];
    const what = [expired ? `${expired} expired` : "", unused ? `${unused} unused` : ""]
        .filter(Boolean)
        .join(", ");
    return [
        `suppressions: ${what} of ${uses.length} in the pack config (renew or remove them; npm start -- --json lists each, policypack/README.md "Suppressions")`,
    ];
}

/** One line per account and role: all scenarios as expected, or each one that is not. */
export function evidenceLines(evidence: readonly EvidenceEntry[]): string[] {
    const byRole = new Map<string, EvidenceEntry[]>();
    for (const e of evidence)
        byRole.set(`${e.accountId} ${e.role}`, [
            ...(byRole.get(`${e.accountId} ${e.role}`) ?? []),
            e,
        ]);
    const lines = [
        `evidence: ${evidence.length - mismatches(evidence).length} of ${evidence.length} scenarios as expected`,
    ];
    for (const [key, list] of byRole) {
        const bad = mismatches(list);
        if (bad.length === 0)
            lines.push(`  ok    ${key}: ${list.length} of ${list.length} scenarios as expected`);
        else
            for (const e of bad)
                lines.push(
                    `  FAIL  ${key}: ${e.scenario} expected ${e.expected}, simulated ${e.simulated}: ${e.reason}`,
                );
    }
    return lines;
}

/** A counterexample on one line: who, through what, may do what to what, and why. */
export function counterexampleLine(c: Counterexample): string {
    const via = c.path.length ? ` via ${c.path.join(" -> ")}` : "";
    const deciding = c.statements.length ? ` [${c.statements.join("; ")}]` : "";
    return `${c.principal}${via}: ${c.action} on ${c.resource}: ${c.reason}${deciding}`;
}

/** One line per proof; under a proof that does not hold, each counterexample (the first 20). */
export function proofLines(proofs: readonly ProofResult[]): string[] {
    const held = proofs.filter((p) => p.holds).length;
    const lines = [`proofs: ${held} of ${proofs.length} hold`];
    for (const p of proofs) {
        lines.push(
            `  ${p.holds ? "ok  " : "FAIL"}  ${p.id}: ${p.checked} ${p.unit} checked${p.holds ? "" : p.checked === 0 ? ", nothing examined" : `, ${p.counterexamples.length} counterexample(s)`}`,
        );
        for (const c of p.counterexamples.slice(0, 20))
            lines.push(`          ${counterexampleLine(c)}`);
        if (p.counterexamples.length > 20)
            lines.push(
                `          ... and ${p.counterexamples.length - 20} more (--json lists all)`,
            );
    }
    return lines;
}

/** Provider inputs of list and map type reach the engine as JSON strings; show them as values. */
function decodeJson(v: unknown): unknown {
    if (typeof v === "string" && /^[[{]/.test(v)) {
        try {
            return JSON.parse(v);
        } catch {
            return v;
        }
    }
    return v;
}

function readableProps(r: PlannedResource): Record<string, unknown> {
    if (!r.type.startsWith("pulumi:providers:")) return r.props;
    return Object.fromEntries(Object.entries(r.props).map(([k, v]) => [k, decodeJson(v)]));
}

/** A short note on what matters about a resource, for the table. */
function detail(r: PlannedResource): string {
    const p = r.props;
    switch (r.type) {
        case "pulumi:providers:aws": {
            const roles = decodeJson(p.assumeRoles);
            const role = Array.isArray(roles)
                ? (roles[0] as { roleArn?: string })?.roleArn
                : undefined;
            return `assumes ${role ?? "?"}`;
        }
        case "aws:iam/role:Role":
            return `${p.name} (max session ${p.maxSessionDuration ?? 3600} s)`;
        default:
            return typeof p.name === "string"
                ? p.name
                : typeof p.bucket === "string"
                  ? p.bucket
                  : "";
    }
}

export function toTable(result: PlanResult): string {
    const resources = deployed(result.resources);
    const accounts = new Map<string, PlannedResource[]>();
    for (const r of resources) {
        const key = r.accountId ?? "(none)";
        accounts.set(key, [...(accounts.get(key) ?? []), r]);
    }
    const lines = [
        `stack ${result.stack} (region ${result.region}): ${resources.length} resources in ${accounts.size} account${accounts.size === 1 ? "" : "s"}`,
    ];
    const typeWidth = Math.max(...resources.map((r) => r.type.length), 4);
    const nameWidth = Math.max(...resources.map((r) => r.name.length), 4);
    for (const [account, list] of accounts) {
        // The account's name in config, from its resources' Account tag: a workload account's
        // URN names carry only its id (stacks/resourceNames.ts). Else the providers' names.
        const tagged = list.flatMap((r) => {
            const tags = r.props.tags as Record<string, unknown> | undefined;
            return typeof tags?.Account === "string" ? [tags.Account] : [];
        });
        const names = [
            ...new Set(
                tagged.length > 0
                    ? tagged
                    : list.filter((r) => r.type.startsWith("pulumi:providers:")).map((r) => r.name),
            ),
        ];
        lines.push("", `account ${account}${names.length ? ` (${names.join(", ")})` : ""}`);
        for (const r of list)
            lines.push(
                `  ${r.type.padEnd(typeWidth)}  ${r.name.padEnd(nameWidth)}  ${detail(r)}`.trimEnd(),
            );
    }
    return lines.join("\n");
}

/** What `--against FILE` found for one stack: counts, then each create, delete and replacement. */
export function diffLines(diff: StackDiff, file: string): string[] {
    const at = (e: { accountId: string | null }) =>
        e.accountId ? ` (account ${e.accountId})` : "";
    return [
        `changes against ${file}: ${diff.creates.length} to create, ${diff.deletes.length} to delete, ${diff.replaces.length} to replace, ${diff.aliased.length} found under an older name (alias)`,
        ...diff.creates.map((c) => `  + create   ${c.urn}${at(c)}`),
        ...diff.deletes.map((d) => `  - delete   ${d.urn}${at(d)}`),
        ...diff.replaces.map((r) => `  +- replace ${r.urn}${at(r)} [${r.properties.join(", ")}]`),
        ...diff.removals.map(
            (r) =>
                `  note: role ${r.physicalName ?? r.urn}${at(r)} is deleted because its account left this stack's config; if the account moved to another stack, move it with npm run account:move instead`,
        ),
        ...diff.errors.map((e) => `  error: ${e.message} (${e.fix})`),
    ];
}

/** What the real engine runs for the stack (plan/engine.ts), one line. */
export function engineLine(p: StackPlan): string {
    const { providers, estimatedPeakMemoryMb } = p.engine;
    return `engine: ${providers} provider process${providers === 1 ? "" : "es"} under pulumi preview/up, estimated peak ${estimatedPeakMemoryMb.toLocaleString("en-US")} MB (docs/BENCHMARKS.md)`;
}

/** The readable plan: per stack, its table, the engine line, the pack's verdicts, the evidence lines and the diff. */
export function toText(
    plans: readonly StackPlan[],
    against?: { file: string; diffs: readonly StackDiff[] },
): string {
    return plans
        .map((p) => {
            const diff = against?.diffs.find((d) => d.stack === p.result.stack);
            return [
                toTable(p.result),
                "",
                engineLine(p),
                "",
                ...violationLines(p.violations),
                ...suppressionLine(p),
                "",
                ...evidenceLines(p.evidence),
                "",
                ...proofLines(p.proofs),
                ...(diff && against ? ["", ...diffLines(diff, against.file)] : []),
            ].join("\n");
        })
        .join("\n\n");
}
