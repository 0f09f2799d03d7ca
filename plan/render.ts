// How the offline plan is shown: the summary by account (plan/summary.ts) or, with --verbose, the
// table of every resource by account, the pack's verdicts, the evidence lines, the warnings and
// the --json document. Pure functions of planned stacks.
import { formatProblems } from "../config";
import { Counterexample, ProofResult } from "../evidence/proofs";
import { EvidenceEntry, mismatches } from "../evidence/simulate";
import { Violation } from "../policypack/runner";
import { accountLabel, accountNames } from "./accountNames";
import { allAliases, StackDiff } from "./diff";
import { StackPlan } from "./offline";
import { PlannedResource, PlanResult } from "./run";
import { accountSummaries, deployed, diffLines, StackBaseline, summaryLines } from "./summary";

export { deployed, diffLines };

/**
 * A stack's deployed resources as --json lists them, each with its account's name next to its id.
 * What a saved plan holds too (plan/previous.ts), and what --against reads back.
 */
export function resourcesJson(
    result: PlanResult,
    names: ReadonlyMap<string, string> = accountNames(result),
) {
    // Each resource's aliases, its parent's included: every URN the engine may find it under.
    const aliases = allAliases(result.resources);
    return deployed(result.resources).map((res) => ({
        type: res.type,
        name: res.name,
        urn: res.urn,
        accountId: res.accountId,
        accountName: (res.accountId && names.get(res.accountId)) || null,
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
    }));
}

/**
 * The plan's JSON: every resource, whatever the text folds. With `diffs` (--against), each stack's
 * `diff` too, and its accounts' changes. The previous plan (plan/previous.ts) is the text's only:
 * the JSON of a plan does not depend on what was planned before on this machine.
 */
export function toJson(plans: readonly StackPlan[], diffs?: readonly StackDiff[]): unknown {
    const one = (p: StackPlan) => {
        const diff = diffs?.find((d) => d.stack === p.result.stack);
        const names = accountNames(p.result);
        return {
            stack: p.result.stack,
            resources: resourcesJson(p.result, names),
            accounts: accountSummaries(p.result, diff, names),
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
                          updates: diff.updates,
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
                    `stack "${stack}": ${n} value(s) to replace before pulumi up (npx org-access plan --strict fails on them)`,
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
        `suppressions: ${what} of ${uses.length} in the pack config (renew or remove them; npx org-access plan --json lists each, policypack/README.md "Suppressions")`,
    ];
}

/**
 * One line per account and role: all scenarios as expected, or each one that is not. Unless
 * `verbose`, more than {@link FOLDED_OK_LINES} roles as expected fold into one line; a failure is
 * always listed.
 */
export function evidenceLines(
    evidence: readonly EvidenceEntry[],
    names: ReadonlyMap<string, string> = new Map(),
    verbose = true,
): string[] {
    const byRole = new Map<string, EvidenceEntry[]>();
    for (const e of evidence) {
        const key = `${accountLabel(e.accountId, names.get(e.accountId))} ${e.role}`;
        byRole.set(key, [...(byRole.get(key) ?? []), e]);
    }
    const lines = [
        `evidence: ${evidence.length - mismatches(evidence).length} of ${evidence.length} scenarios as expected`,
    ];
    const ok = [...byRole].filter(([, list]) => mismatches(list).length === 0);
    const fold = !verbose && ok.length > FOLDED_OK_LINES;
    if (fold)
        lines.push(
            `  ok    ${ok.length.toLocaleString("en-US")} (account, role) pairs: every scenario as expected (--verbose lists them)`,
        );
    for (const [key, list] of byRole) {
        const bad = mismatches(list);
        if (bad.length === 0) {
            if (!fold)
                lines.push(
                    `  ok    ${key}: ${list.length} of ${list.length} scenarios as expected`,
                );
        } else
            for (const e of bad)
                lines.push(
                    `  FAIL  ${key}: ${e.scenario} expected ${e.expected}, simulated ${e.simulated}: ${e.reason}`,
                );
    }
    return lines;
}

/** Evidence lines of roles whose every scenario is as expected, listed before they fold. */
export const FOLDED_OK_LINES = 20;

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

/** Every resource of the stack, by account: the account's id and name, then a line per resource. */
export function resourceLines(
    result: PlanResult,
    names: ReadonlyMap<string, string> = accountNames(result),
): string[] {
    const resources = deployed(result.resources);
    const accounts = new Map<string | null, PlannedResource[]>();
    for (const r of resources) accounts.set(r.accountId, [...(accounts.get(r.accountId) ?? []), r]);
    const typeWidth = Math.max(...resources.map((r) => r.type.length), 4);
    const nameWidth = Math.max(...resources.map((r) => r.name.length), 4);
    const lines: string[] = [];
    for (const [account, list] of accounts) {
        lines.push("", `account ${accountLabel(account, account && names.get(account))}`);
        for (const r of list)
            lines.push(
                `  ${r.type.padEnd(typeWidth)}  ${r.name.padEnd(nameWidth)}  ${detail(r)}`.trimEnd(),
            );
    }
    return lines;
}

/** The stack's line and every resource by account (what --verbose adds to the summary). */
export function toTable(result: PlanResult): string {
    const resources = deployed(result.resources);
    const accounts = new Set(resources.map((r) => r.accountId)).size;
    return [
        `stack ${result.stack} (region ${result.region}): ${resources.length} resources in ${accounts} account${accounts === 1 ? "" : "s"}`,
        ...resourceLines(result),
    ].join("\n");
}

/** What the real engine runs for the stack (plan/engine.ts), one line. */
export function engineLine(p: StackPlan): string {
    const { providers, estimatedPeakMemoryMb } = p.engine;
    return `engine: ${providers} provider process${providers === 1 ? "" : "es"} under pulumi preview/up, estimated peak ${estimatedPeakMemoryMb.toLocaleString("en-US")} MB (docs/BENCHMARKS.md)`;
}

/** How the text is shown: every account and resource, and what each stack is compared with. */
export interface TextOptions {
    /** List every account, resource, change and role's evidence (--verbose); else summarise. */
    readonly verbose?: boolean;
    /** Each stack's baseline (--against FILE, or the previous plan), by stack name. */
    readonly baselines?: ReadonlyMap<string, StackBaseline>;
}

/** Past this many stacks, the stacks with nothing to look at shrink to a line each, or fold. */
export const FOLD_STACKS = 5;
/** Stacks with changes listed one line each in a folded plan, before the rest is counted. */
export const LISTED_STACKS = 20;

/** A stack's block: its summary by account, engine line, verdicts, evidence and proofs. */
function stackBlock(p: StackPlan, baseline: StackBaseline | undefined, verbose: boolean): string {
    const names = accountNames(p.result);
    return [
        ...summaryLines(p.result, baseline, verbose, names),
        ...(verbose ? resourceLines(p.result, names) : []),
        "",
        engineLine(p),
        "",
        ...violationLines(p.violations),
        ...suppressionLine(p),
        "",
        ...evidenceLines(p.evidence, names, verbose),
        "",
        ...proofLines(p.proofs),
    ].join("\n");
}

/**
 * Whether a stack has something that must be read: a violation, a mismatch, an unproved proof, a
 * diff error, a role removal (people lose access: never folded into a count) or an expired
 * suppression (its violations are back).
 */
function hasProblem(p: StackPlan, baseline: StackBaseline | undefined): boolean {
    return (
        p.violations.length > 0 ||
        mismatches(p.evidence).length > 0 ||
        p.proofs.some((x) => !x.holds) ||
        (baseline?.diff?.errors.length ?? 0) > 0 ||
        (baseline?.diff?.removals.length ?? 0) > 0 ||
        (p.suppressions ?? []).some((u) => u.status === "expired")
    );
}

/** What a stack's diff changes; undefined without a baseline (a first plan: everything is new). */
function changeCount(baseline: StackBaseline | undefined): number | undefined {
    const d = baseline?.diff;
    return d
        ? d.creates.length + d.deletes.length + d.replaces.length + d.updates.length
        : undefined;
}

/** One line for a stack without problems: its size, its changes and its checks. */
function stackLine(p: StackPlan, baseline: StackBaseline | undefined): string {
    const resources = deployed(p.result.resources).length;
    const accounts = new Set(deployed(p.result.resources).map((r) => r.accountId)).size;
    const d = baseline?.diff;
    const changes = d
        ? `${d.creates.length} new, ${d.updates.length + d.replaces.length} changed, ${d.deletes.length} removed`
        : "no previous plan: everything new";
    return `stack ${p.result.stack}: ${plural(resources, "resource")} in ${plural(accounts, "account")}; ${changes}; ${p.proofs.length}/${p.proofs.length} proofs, ${p.evidence.length}/${p.evidence.length} scenarios, no violation`;
}

const plural = (n: number, one: string) =>
    `${n.toLocaleString("en-US")} ${n === 1 ? one : `${one}s`}`;

/**
 * The readable plan: per stack, its summary by account and what changes against its baseline
 * (with --verbose, then every resource), the engine line, the pack's verdicts, the evidence lines
 * and the proofs. Past {@link FOLD_STACKS} stacks (a sharded organization: 101 stacks at 1,000
 * accounts), unless `verbose`, only the stacks with a problem (role removals and expired
 * suppressions included), and those with changes when at most {@link FOLD_STACKS} have any, keep
 * their block; the other stacks with changes get a line each (the first {@link LISTED_STACKS}, then
 * their count and how many resources they remove), and the stacks without change one line.
 */
export function toText(plans: readonly StackPlan[], options: TextOptions = {}): string {
    const verbose = options.verbose ?? false;
    const baseline = (p: StackPlan) => options.baselines?.get(p.result.stack);
    if (verbose || plans.length <= FOLD_STACKS)
        return plans.map((p) => stackBlock(p, baseline(p), verbose)).join("\n\n");
    const changed = plans.filter((p) => changeCount(baseline(p)) !== 0);
    const full = plans.filter(
        (p) => hasProblem(p, baseline(p)) || (changed.length <= FOLD_STACKS && changed.includes(p)),
    );
    const lines = plans.filter((p) => !full.includes(p) && changed.includes(p));
    const quiet = plans.filter((p) => !full.includes(p) && !changed.includes(p));
    const total = (list: readonly StackPlan[], f: (p: StackPlan) => number) =>
        list.reduce((n, p) => n + f(p), 0);
    const size = (list: readonly StackPlan[]) =>
        `${plural(
            total(list, (p) => new Set(deployed(p.result.resources).map((r) => r.accountId)).size),
            "account",
        )}, ${plural(
            total(list, (p) => deployed(p.result.resources).length),
            "resource",
        )}`;
    const rest = lines.slice(LISTED_STACKS);
    const removed = total(rest, (p) => baseline(p)?.diff?.deletes.length ?? 0);
    const short = [
        ...lines.slice(0, LISTED_STACKS).map((p) => stackLine(p, baseline(p))),
        ...(rest.length > 0
            ? [
                  `... and ${plural(rest.length, "more stack")} with changes or no previous plan: ${size(rest)}, ${plural(removed, "resource")} removed (--stack NAME or --verbose lists them)`,
              ]
            : []),
        ...(quiet.length > 0
            ? [
                  `${plural(quiet.length, "stack")} without change, every proof holding, every scenario as expected, no violation: ${size(quiet)} (--verbose lists them)`,
              ]
            : []),
    ];
    return [
        ...full.map((p) => stackBlock(p, baseline(p), false)),
        ...(short.length > 0 ? [short.join("\n")] : []),
    ].join("\n\n");
}
