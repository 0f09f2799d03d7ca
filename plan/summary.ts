// The plan's default text: per stack, per target account, how many resources it plans and what is
// new, changed or removed against a baseline (a previous plan, or --against FILE), so that a plan
// of 40 or 1,000 accounts reads in a screen or two. `--verbose` lists every account and resource.
import { accountLabel, accountNames } from "./accountNames";
import { DiffEntry, StackDiff } from "./diff";
import { PlannedResource, PlanResult } from "./run";

/** Past this many accounts in a stack, the accounts without change fold into one line. */
export const FOLD_ACCOUNTS = 50;
/** Accounts listed one per line in a folded stack. */
export const LISTED_WHEN_FOLDED = 10;
/** Creates, deletes and updates listed one per line before the rest is counted. */
export const LISTED_CHANGES = 20;

const ROLE = "aws:iam/role:Role";

/** Cloud resources and providers; components and stack references are not deployed anywhere. */
export function deployed(resources: readonly PlannedResource[]): PlannedResource[] {
    return resources.filter((r) => !r.component && r.type !== "pulumi:pulumi:StackReference");
}

/** One target account of a stack: what the plan deploys there and, with a baseline, what changes. */
export interface AccountSummary {
    readonly accountId: string | null;
    /** Its name in the stack's config (plan/accountNames.ts), or null. */
    readonly accountName: string | null;
    readonly resources: number;
    readonly roles: number;
    /** With a baseline: resources to create, to update or replace, to delete. */
    readonly new?: number;
    readonly changed?: number;
    readonly removed?: number;
}

/**
 * The accounts of one planned stack in the order of the plan; with a diff, each one's changes, and
 * after them the accounts whose every resource is deleted (an account removed from config).
 */
export function accountSummaries(
    result: Pick<PlanResult, "resources" | "outputs">,
    diff?: StackDiff,
    names: ReadonlyMap<string, string> = accountNames(result),
): AccountSummary[] {
    type Row = {
        accountId: string | null;
        accountName: string | null;
        resources: number;
        roles: number;
        new: number;
        changed: number;
        removed: number;
    };
    const rows = new Map<string | null, Row>();
    const row = (id: string | null, name?: string): Row => {
        let r = rows.get(id);
        if (!r) {
            r = {
                accountId: id,
                accountName: (id && names.get(id)) || name || null,
                resources: 0,
                roles: 0,
                new: 0,
                changed: 0,
                removed: 0,
            };
            rows.set(id, r);
        }
        return r;
    };
    for (const r of deployed(result.resources)) {
        const a = row(r.accountId);
        a.resources++;
        if (r.type === ROLE) a.roles++;
    }
    if (diff) {
        const at = (e: DiffEntry) => row(e.accountId, e.accountName);
        for (const c of diff.creates) at(c).new++;
        for (const u of [...diff.updates, ...diff.replaces]) at(u).changed++;
        for (const d of diff.deletes) at(d).removed++;
    }
    return [...rows.values()].map((r) =>
        diff
            ? r
            : {
                  accountId: r.accountId,
                  accountName: r.accountName,
                  resources: r.resources,
                  roles: r.roles,
              },
    );
}

const plural = (n: number, one: string, many = `${one}s`) =>
    `${n.toLocaleString("en-US")} ${n === 1 ? one : many}`;

const changes = (a: AccountSummary) => (a.new ?? 0) + (a.changed ?? 0) + (a.removed ?? 0);

function sum(
    list: readonly AccountSummary[],
    key: "resources" | "roles" | "new" | "changed" | "removed",
) {
    return list.reduce((n, a) => n + (a[key] ?? 0), 0);
}

/** The accounts as a table, one line each: `777788889999 (prod)  15  4  0  1  0`. */
function accountTable(list: readonly AccountSummary[], withChanges: boolean): string[] {
    const head = [
        "account",
        "resources",
        "roles",
        ...(withChanges ? ["new", "changed", "removed"] : []),
    ];
    const cells = list.map((a) => [
        accountLabel(a.accountId, a.accountName),
        String(a.resources),
        String(a.roles),
        ...(withChanges
            ? [String(a.new ?? 0), String(a.changed ?? 0), String(a.removed ?? 0)]
            : []),
    ]);
    const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
    const line = (c: readonly string[]) =>
        `  ${c.map((x, i) => (i === 0 ? x.padEnd(widths[i]) : x.padStart(widths[i]))).join("  ")}`;
    return [line(head), ...cells.map(line)];
}

/**
 * The per-account lines of one stack. Up to {@link FOLD_ACCOUNTS} accounts (or with `verbose`),
 * one line each. Past it, the first {@link LISTED_WHEN_FOLDED} accounts with changes (without a
 * baseline: the first accounts), then one line for the other accounts with changes and one for
 * the accounts without change, each with its count: a 1,000-account stack stays a screen.
 */
export function accountLines(
    list: readonly AccountSummary[],
    withChanges: boolean,
    verbose = false,
): string[] {
    if (verbose || list.length <= FOLD_ACCOUNTS) return accountTable(list, withChanges);
    const more = "(--verbose lists every account)";
    if (!withChanges) {
        const rest = list.slice(LISTED_WHEN_FOLDED);
        return [
            ...accountTable(list.slice(0, LISTED_WHEN_FOLDED), false),
            `  ... ${plural(rest.length, "more account")}: ${plural(sum(rest, "resources"), "resource")}, ${plural(sum(rest, "roles"), "role")} ${more}`,
        ];
    }
    const changed = list.filter((a) => changes(a) > 0);
    const unchanged = list.filter((a) => changes(a) === 0);
    const rest = changed.slice(LISTED_WHEN_FOLDED);
    return [
        ...(changed.length > 0 ? accountTable(changed.slice(0, LISTED_WHEN_FOLDED), true) : []),
        ...(rest.length > 0
            ? [
                  `  ... ${plural(rest.length, "more account")} with changes: ${sum(rest, "new").toLocaleString("en-US")} new, ${sum(rest, "changed").toLocaleString("en-US")} changed, ${sum(rest, "removed").toLocaleString("en-US")} removed`,
              ]
            : []),
        ...(unchanged.length > 0
            ? [
                  `  ${plural(unchanged.length, "account")} without change: ${plural(sum(unchanged, "resources"), "resource")}, ${plural(sum(unchanged, "roles"), "role")}`,
              ]
            : []),
        `  ${more}`,
    ];
}

/** What a stack is compared with, for its text. */
export interface StackBaseline {
    /** What the diff is against: `FILE`, or `the previous plan of 2026-11-26T12:00Z (FILE)`. */
    readonly against?: string;
    /** The diff, when there is something to compare with. */
    readonly diff?: StackDiff;
    /**
     * The previous plan's role errors are warnings: that plan is a local file, not what is
     * deployed (only --against a stack export or the deployed plan's --json makes them errors).
     */
    readonly errorsAreWarnings?: boolean;
    /** Said when there is no diff: `no previous plan: everything new (...)`, an unreadable file. */
    readonly note?: string;
}

/** The changes of a diff: counts, then each create, delete, update (capped) and replacement. */
export function diffLines(
    diff: StackDiff,
    against: string,
    options: {
        verbose?: boolean;
        errorsAreWarnings?: boolean;
        /** The accounts the plan still deploys into: a role removed there is no account leaving. */
        plannedAccounts?: ReadonlySet<string>;
    } = {},
): string[] {
    const at = (e: DiffEntry) =>
        e.accountId ? ` in account ${accountLabel(e.accountId, e.accountName)}` : "";
    const capped = <T>(list: readonly T[], line: (x: T) => string, what: string) => [
        ...(options.verbose ? list : list.slice(0, LISTED_CHANGES)).map(line),
        ...(!options.verbose && list.length > LISTED_CHANGES
            ? [
                  `  ... and ${(list.length - LISTED_CHANGES).toLocaleString("en-US")} more ${what} (--verbose lists them)`,
              ]
            : []),
    ];
    return [
        `changes against ${against}: ${diff.creates.length} to create, ${diff.deletes.length} to delete, ${diff.replaces.length} to replace, ${diff.updates.length} to update in place, ${diff.aliased.length} found under an older name (alias)`,
        ...capped(diff.creates, (c) => `  + create   ${c.urn}${at(c)}`, "to create"),
        ...capped(diff.deletes, (d) => `  - delete   ${d.urn}${at(d)}`, "to delete"),
        ...diff.replaces.map((r) => `  +- replace ${r.urn}${at(r)} [${r.properties.join(", ")}]`),
        ...capped(
            diff.updates,
            (u) => `  ~ update   ${u.urn}${at(u)} [${u.inputs.join(", ")}]`,
            "to update",
        ),
        ...diff.removals.map((r) =>
            r.accountId !== null && options.plannedAccounts?.has(r.accountId)
                ? // The account stays (breakGlassRole, incidentResponseRole turned off): the
                  // role alone goes.
                  `  note: role ${r.physicalName ?? r.urn}${at(r)} is deleted because it is no longer configured; its account keeps the rest of its resources`
                : `  note: role ${r.physicalName ?? r.urn}${at(r)} is deleted because its account left this stack's config; if the account moved to another stack, move it with npx org-access account move instead`,
        ),
        ...diff.errors.map((e) =>
            options.errorsAreWarnings
                ? `  warning: ${e.message} (${e.fix}); against what is deployed (--against a pulumi stack export) this is an error; this plan is not saved as the previous plan, so the next one warns again until the change is fixed`
                : `  error: ${e.message} (${e.fix})`,
        ),
    ];
}

/**
 * The summary of one planned stack: its size, what it is compared with, and its accounts (folded
 * past {@link FOLD_ACCOUNTS} unless `verbose`), then the changes themselves.
 */
export function summaryLines(
    result: PlanResult,
    baseline: StackBaseline = {},
    verbose = false,
    names: ReadonlyMap<string, string> = accountNames(result),
): string[] {
    const resources = deployed(result.resources);
    const list = accountSummaries(result, baseline.diff, names);
    const planned = list.filter((a) => a.resources > 0).length;
    const changeLines =
        baseline.diff && baseline.against
            ? diffLines(baseline.diff, baseline.against, {
                  verbose,
                  errorsAreWarnings: baseline.errorsAreWarnings,
                  plannedAccounts: new Set(
                      resources.flatMap((r) => (r.accountId ? [r.accountId] : [])),
                  ),
              })
            : [];
    return [
        `stack ${result.stack} (region ${result.region}): ${resources.length} resources in ${planned} account${planned === 1 ? "" : "s"}`,
        ...(baseline.note ? [baseline.note] : []),
        ...changeLines.slice(0, 1),
        ...accountLines(list, baseline.diff !== undefined, verbose),
        ...changeLines.slice(1),
    ];
}
