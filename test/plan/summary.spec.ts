import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { accountNames } from "../../plan/accountNames";
import { parseAgainst } from "../../plan/against";
import { main } from "../../plan/cli";
import { diffAgainst, StackDiff } from "../../plan/diff";
import { StackPlan } from "../../plan/offline";
import {
    minute,
    previousBaselines,
    readPreviousPlan,
    SAVED_PLAN_FORMAT,
    savedPlanFile,
    savePlan,
} from "../../plan/previous";
import {
    evidenceLines,
    FOLD_STACKS,
    FOLDED_OK_LINES,
    LISTED_STACKS,
    resourcesJson,
    toJson,
    toText,
} from "../../plan/render";
import { EvidenceEntry } from "../../evidence/simulate";
import { PlannedResource, PlanResult, PROJECT } from "../../plan/run";
import {
    accountSummaries,
    deployed,
    FOLD_ACCOUNTS,
    LISTED_CHANGES,
    LISTED_WHEN_FOLDED,
    StackBaseline,
} from "../../plan/summary";
import {
    LOG_ARCHIVE,
    MANAGEMENT,
    planSecurity,
    planWorkload,
    PROD,
    projectWith,
    SECURITY,
    securityStackText,
    securityValues,
    STAGING,
    workloadValues,
} from "../helpers";
import { planJson } from "../helpers/diff";
import { isolatePlanState } from "../helpers/planState";
import { exampleWorkloadValues } from "../helpers/preview";

const ROLE = "aws:iam/role:Role";
const FIXTURES = path.join(__dirname, "fixtures");

type Account = { name: string; accountId: string; [k: string]: unknown };
const PROD_ACCOUNT: Account = { name: "prod", accountId: PROD, incidentResponseRole: true };
const STAGING_ACCOUNT: Account = { name: "staging", accountId: STAGING };
/** Principals for the audit and incident-response roles, so no security stack is needed. */
const PRINCIPALS = {
    humanArns: [`arn:aws:iam::${SECURITY}:user/org-access/alice`],
    reporters: [
        {
            name: "reporter",
            arn: `arn:aws:iam::${SECURITY}:user/org-access/reporter`,
            externalId: "ext-id-0123456789abcdef",
        },
    ],
    incidentResponderArns: [`arn:aws:iam::${SECURITY}:user/org-access/carol`],
};

const values = (accounts: Account[], extra: Record<string, unknown> = {}) =>
    workloadValues({
        workloadAccounts: accounts,
        trustedPrincipals: PRINCIPALS,
        maxAccountsPerStack: Math.max(10, accounts.length),
        ...extra,
    });
const plan = (accounts: Account[], extra: Record<string, unknown> = {}) =>
    planWorkload(values(accounts, extra));

/** `n` generated accounts, as scripts/bench.ts builds a large organization. */
const generated = (n: number): Account[] =>
    Array.from({ length: n }, (_, i) => ({
        name: `member-${i}`,
        accountId: String(200000000000 + i),
    }));

/** A planned stack with nothing but its resources, as the text renders it. */
const stackPlan = (result: PlanResult): StackPlan =>
    ({
        result,
        evidence: [],
        proofs: [],
        violations: [],
        warnings: [],
        engine: { providers: 1, estimatedPeakMemoryMb: 1 },
    }) as unknown as StackPlan;

const text = (result: PlanResult, baseline?: StackBaseline, verbose = false) =>
    toText([stackPlan(result)], {
        verbose,
        baselines: baseline ? new Map([[result.stack, baseline]]) : undefined,
    });

/** The diff of `after` against `before`'s --json, as --against computes it. */
const against = (before: PlanResult, after: PlanResult): StackDiff =>
    diffAgainst(parseAgainst(planJson(before), "before.json", PROJECT), [after], "before.json")[0];

/** Counted here from the plan itself, independently of plan/summary.ts. */
const ofAccount = (result: PlanResult, id: string): PlannedResource[] =>
    result.resources.filter(
        (r) => !r.component && r.type !== "pulumi:pulumi:StackReference" && r.accountId === id,
    );

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/**
 * A security stack whose proofs all hold, so that it exits 0, in a project folder (-C) that holds
 * the workload stack file it reads too; `run` plans it through the CLI.
 */
function passingSecurityProject() {
    const root = projectWith({ workload: exampleWorkloadValues() });
    const file = path.join(root, "Pulumi.security.yaml");
    fs.writeFileSync(
        file,
        securityStackText([
            "  org-access:logArchiveAccount:",
            `    accountId: "${LOG_ARCHIVE}"`,
            "  org-access:incidentResponse: { responders: [carol] }",
            "  org-access:breakGlass: { users: [dana-breakglass] }",
            "  org-access:guardrails: { targets: [r-abcd] }",
        ]),
    );
    const run = async (...argv: string[]) => {
        let out = "";
        let err = "";
        const code = await main(
            ["-C", root, "--stack", "security", "--config-file", file, ...argv],
            { write: (t) => (out += t) },
            { write: (t) => (err += t) },
        );
        return { code, out, err };
    };
    return { file, run };
}

describe("the plan's summary by account", () => {
    const stateDir = isolatePlanState();
    let base: PlanResult;
    before(async () => {
        base = await plan([PROD_ACCOUNT, STAGING_ACCOUNT]);
    });

    it("counts each account's resources and roles, with the account's name from config", () => {
        const list = accountSummaries(base);
        assert.deepStrictEqual(
            list.map((a) => [a.accountId, a.accountName]),
            [
                [PROD, "prod"],
                [STAGING, "staging"],
            ],
        );
        for (const a of list) {
            const mine = ofAccount(base, a.accountId as string);
            assert.ok(mine.length > 0);
            assert.strictEqual(a.resources, mine.length, String(a.accountName));
            assert.strictEqual(a.roles, mine.filter((r) => r.type === ROLE).length);
            assert.strictEqual(a.new, undefined, "no baseline, no change counts");
        }
        // prod has the incident-response role on top of staging's audit role.
        assert.strictEqual(list[0].roles, list[1].roles + 1);
        assert.strictEqual(
            list.reduce((n, a) => n + a.resources, 0),
            deployed(base.resources).length,
        );
    });

    it("the text is the summary: a line per account with its name and counts, no resource", () => {
        const out = text(base);
        const prod = accountSummaries(base)[0];
        assert.match(out, /^stack workload \(region us-east-1\): \d+ resources in 2 accounts\n/);
        assert.match(
            out,
            new RegExp(`\\n {2}${PROD} \\(prod\\) +${prod.resources} +${prod.roles}\\n`),
        );
        for (const r of deployed(base.resources))
            assert.ok(!out.includes(r.name), `${r.name} is not listed without --verbose`);
    });

    it("--verbose lists every resource, under its account's id and name", () => {
        const out = text(base, undefined, true);
        assert.match(out, new RegExp(`\\naccount ${PROD} \\(prod\\)\\n`));
        assert.match(out, new RegExp(`\\naccount ${STAGING} \\(staging\\)\\n`));
        for (const r of deployed(base.resources))
            assert.match(
                out,
                new RegExp(`\\n {2}${escape(r.type)} +${escape(r.name)}\\b`),
                `${r.type} ${r.name}`,
            );
    });

    it("the JSON names every resource's account and carries the per-account summary", () => {
        const json = toJson([stackPlan(base)]) as {
            resources: { accountId: string | null; accountName: string | null }[];
            accounts: { accountId: string; accountName: string; resources: number }[];
        };
        const names = new Map([
            [PROD, "prod"],
            [STAGING, "staging"],
        ]);
        assert.strictEqual(json.resources.length, deployed(base.resources).length);
        for (const r of json.resources)
            assert.strictEqual(
                r.accountName,
                names.get(r.accountId as string),
                String(r.accountId),
            );
        assert.deepStrictEqual(
            json.accounts.map((a) => [a.accountId, a.accountName, a.resources]),
            [PROD, STAGING].map((id) => [id, names.get(id), ofAccount(base, id).length]),
        );
    });

    it("names the security stack's accounts by their role", async () => {
        const root = projectWith({ workload: workloadValues() });
        const security = await planSecurity(securityValues(), root);
        const names = accountNames(security);
        assert.strictEqual(names.get(SECURITY), "security");
        assert.strictEqual(names.get(MANAGEMENT), "management");
        assert.strictEqual(names.get(LOG_ARCHIVE), "log-archive");
        const out = text(security);
        for (const label of [
            `${SECURITY} (security)`,
            `${MANAGEMENT} (management)`,
            `${LOG_ARCHIVE} (log-archive)`,
        ])
            assert.ok(out.includes(`\n  ${label} `), label);
    });

    describe("what is new, changed or removed", () => {
        let after: PlanResult;
        let diff: StackDiff;
        const DEV_ACCOUNT: Account = { name: "dev", accountId: "999988887777" };
        before(async () => {
            // staging leaves, dev joins, and prod's tags change: the Team tag is a prop of every
            // taggable resource of the account, updated in place.
            after = await plan([PROD_ACCOUNT, DEV_ACCOUNT], { tags: { Team: "platform" } });
            diff = against(base, after);
        });

        it("counts, per account, the creates, the in-place updates and the deletes", () => {
            const list = accountSummaries(after, diff);
            const by = new Map(list.map((a) => [a.accountId, a]));
            const tagged = (r: PlannedResource) =>
                typeof r.props.tags === "object" && r.props.tags !== null;
            const prod = by.get(PROD)!;
            assert.strictEqual(prod.new, 0);
            assert.strictEqual(prod.changed, ofAccount(after, PROD).filter(tagged).length);
            assert.ok((prod.changed ?? 0) > 0);
            assert.strictEqual(prod.removed, 0);
            const dev = by.get(DEV_ACCOUNT.accountId)!;
            assert.deepStrictEqual(
                [dev.accountName, dev.new, dev.changed, dev.removed],
                ["dev", ofAccount(after, DEV_ACCOUNT.accountId).length, 0, 0],
            );
            // staging is no longer planned: its name comes from the baseline.
            const staging = by.get(STAGING)!;
            assert.deepStrictEqual(
                [staging.accountName, staging.resources, staging.new, staging.removed],
                ["staging", 0, 0, ofAccount(base, STAGING).length],
            );
            for (const u of diff.updates) assert.deepStrictEqual(u.inputs, ["tags.Team"], u.urn);
        });

        it("the text says what it compares with, and lists each change with its account", () => {
            const out = text(after, { against: "before.json", diff });
            assert.ok(
                out.includes(
                    `changes against before.json: ${diff.creates.length} to create, ${diff.deletes.length} to delete, 0 to replace, ${diff.updates.length} to update in place`,
                ),
                out,
            );
            assert.match(out, / {2}account +resources +roles +new +changed +removed\n/);
            const role = ofAccount(after, PROD).find((r) => r.type === ROLE)!;
            assert.ok(
                out.includes(`  ~ update   ${role.urn} in account ${PROD} (prod) [tags.Team]`),
            );
            assert.match(
                out,
                new RegExp(`\\n {2}- delete {3}\\S+ in account ${STAGING} \\(staging\\)\\n`),
            );
        });

        it("a role removed from an account still planned is no longer configured; an account that left says so", async () => {
            // prod keeps its account but turns its incident-response role off; staging leaves.
            const fewer = await plan([{ ...PROD_ACCOUNT, incidentResponseRole: false }]);
            const d = against(base, fewer);
            const at = (id: string) => d.removals.filter((r) => r.accountId === id);
            assert.strictEqual(at(PROD).length, 1, "the incident-response role");
            assert.ok(at(STAGING).length > 0);
            const out = text(fewer, { against: "before.json", diff: d });
            const notes = out.split("\n").filter((l) => l.startsWith("  note: role "));
            assert.strictEqual(notes.length, d.removals.length);
            assert.deepStrictEqual(
                notes.filter((l) => l.includes(`in account ${PROD} (prod)`)),
                [
                    `  note: role ${at(PROD)[0].physicalName} in account ${PROD} (prod) is deleted because it is no longer configured; its account keeps the rest of its resources`,
                ],
            );
            for (const l of notes.filter((x) => x.includes(`in account ${STAGING} (staging)`)))
                assert.match(l, /is deleted because its account left this stack's config;/);
            assert.strictEqual(
                notes.filter((l) => l.includes(`in account ${STAGING} (staging)`)).length,
                at(STAGING).length,
            );
        });

        it("a stack export names its accounts from its Stack outputs and its providers", () => {
            const stackUrn = `urn:pulumi:workload::${PROJECT}::pulumi:pulumi:Stack::${PROJECT}-workload`;
            const providerUrn = (name: string) =>
                `urn:pulumi:workload::${PROJECT}::pulumi:providers:aws::${name}`;
            const OTHER = "123456789012";
            const provider = (name: string, id: string) => ({
                urn: providerUrn(name),
                type: "pulumi:providers:aws",
                custom: true,
                id: `${name}-id`,
                inputs: { allowedAccountIds: JSON.stringify([id]) },
            });
            const role = (name: string, via: string) => ({
                urn: `urn:pulumi:workload::${PROJECT}::aws:iam/role:Role::${name}`,
                type: ROLE,
                custom: true,
                id: name,
                provider: `${providerUrn(via)}::${via}-id`,
                inputs: { name },
            });
            const exported = {
                version: 3,
                deployment: {
                    resources: [
                        {
                            urn: stackUrn,
                            type: "pulumi:pulumi:Stack",
                            custom: false,
                            outputs: { accounts: [{ accountId: STAGING, name: "staging" }] },
                        },
                        provider(`acct-${STAGING}`, STAGING),
                        provider("audit-admin", OTHER),
                        role("StagingRole", `acct-${STAGING}`),
                        role("AdminRole", "audit-admin"),
                    ],
                },
            };
            const [prior] = parseAgainst(exported, "export.json", PROJECT);
            const byUrn = new Map(prior.resources.map((r) => [r.urn, r]));
            assert.strictEqual(byUrn.get(role("StagingRole", "").urn)?.accountName, "staging");
            assert.strictEqual(byUrn.get(role("AdminRole", "").urn)?.accountName, "audit-admin");
        });

        it("an unchanged plan reports nothing new, changed or removed", () => {
            const same = against(after, after);
            assert.deepStrictEqual(
                [same.creates, same.deletes, same.replaces, same.updates],
                [[], [], [], []],
            );
            for (const a of accountSummaries(after, same))
                assert.deepStrictEqual([a.new, a.changed, a.removed], [0, 0, 0]);
        });

        it("a resource found under its older name (alias) is neither removed nor new", async () => {
            // The previous version's plan of prod and staging, every role kind, named after the
            // accounts (plan/diff.spec.ts plans it from this config).
            const legacy = JSON.parse(
                fs.readFileSync(path.join(FIXTURES, "legacy-workload.plan.json"), "utf8"),
            );
            const now = await plan([{ ...PROD_ACCOUNT, breakGlassRole: true }, STAGING_ACCOUNT], {
                previewRole: { name: "OrgAccessPreviewRole" },
                trustedPrincipals: {
                    ...PRINCIPALS,
                    breakGlassArns: [`arn:aws:iam::${SECURITY}:user/org-access/dana-breakglass`],
                    previewIdentityArn: `arn:aws:iam::${SECURITY}:role/org-access-ci-preview`,
                },
            });
            const [d] = diffAgainst(
                parseAgainst(legacy, "legacy.json", PROJECT),
                [now],
                "legacy.json",
            );
            assert.strictEqual(d.aliased.length, legacy.resources.length, "found through aliases");
            for (const a of accountSummaries(now, d))
                assert.deepStrictEqual([a.accountName, a.new, a.removed], [a.accountName, 0, 0]);
            assert.doesNotMatch(
                text(now, { against: "legacy.json", diff: d }),
                /\n {2}[+-] (create|delete) /,
            );
        });

        it("against a pulumi stack export: a changed input is an update, the inputs the provider filled in are not", async () => {
            const exported = JSON.parse(
                fs.readFileSync(path.join(FIXTURES, "legacy-workload.export.json"), "utf8"),
            );
            const now = await plan([{ name: "prod", accountId: PROD }], {
                trustedPrincipals: {
                    humanArns: PRINCIPALS.humanArns,
                    reporters: PRINCIPALS.reporters,
                },
            });
            const roleOf = (e: any) =>
                e.deployment.resources.find(
                    (r: any) => r.type === ROLE && r.inputs?.name === "SecurityAuditRole",
                );
            const diffWith = (e: unknown) =>
                diffAgainst(parseAgainst(e, "state.json", PROJECT), [now], "state.json")[0];
            const urn = (u: { urn: string }) => u.urn;
            const plannedRole = now.resources.find(
                (r) => r.type === ROLE && r.props.name === "SecurityAuditRole",
            )!;
            const plannedProvider = now.resources.find((r) => r.type === "pulumi:providers:aws")!;
            // The export's provider has the plugin `version` the engine filled in, which the
            // program never sets; the role's list-valued inputs are JSON text on both sides.
            const exportedProvider = exported.deployment.resources.find(
                (r: any) => r.type === "pulumi:providers:aws",
            );
            assert.ok("version" in exportedProvider.inputs);
            assert.ok(!("version" in plannedProvider.props));
            const untouched = diffWith(exported);
            assert.deepStrictEqual(
                untouched.updates.filter(
                    (u) => u.urn === plannedProvider.urn || u.urn === plannedRole.urn,
                ),
                [],
            );
            const edited = JSON.parse(JSON.stringify(exported));
            roleOf(edited).inputs.description = "an older description";
            // The engine's record of which inputs were defaults is no input of the program.
            roleOf(edited).inputs.__defaults = ["forceDetachPolicies"];
            const changed = diffWith(edited);
            assert.deepStrictEqual(
                new Set(changed.updates.map(urn)),
                new Set([...untouched.updates.map(urn), plannedRole.urn]),
            );
            const update = changed.updates.find((u) => u.urn === plannedRole.urn);
            assert.deepStrictEqual(update?.inputs, ["description"]);
            assert.strictEqual(update?.accountName, "prod");
        });
    });

    describe("past the folding size", () => {
        const N = FOLD_ACCOUNTS + 10;
        let big: PlanResult;
        let changed: PlanResult;
        before(async () => {
            big = await plan(generated(N));
            const accounts = generated(N);
            accounts[7] = { ...accounts[7], incidentResponseRole: true };
            changed = await plan(accounts);
        });

        it("folds the accounts without change into one line, and --verbose lists every account", () => {
            const diff = against(big, changed);
            const out = text(changed, { against: "before.json", diff });
            const accountLine = /^ {2}2000000000\d\d \(member-\d+\) /gm;
            assert.deepStrictEqual(out.match(accountLine), ["  200000000007 (member-7) "]);
            const unchanged = accountSummaries(changed, diff).filter(
                (a) => a.accountId !== "200000000007",
            );
            const resources = unchanged.reduce((n, a) => n + a.resources, 0);
            assert.ok(
                out.includes(
                    `  ${N - 1} accounts without change: ${resources.toLocaleString("en-US")} resources`,
                ),
                out,
            );
            const verbose = text(changed, { against: "before.json", diff }, true);
            assert.strictEqual(verbose.match(accountLine)?.length, N);
        });

        it("a first deploy (a never-deployed stack's export): ten accounts, the rest counted, and the first creates", () => {
            const empty = JSON.parse(
                fs.readFileSync(path.join(FIXTURES, "never-deployed.export.json"), "utf8"),
            );
            const [diff] = diffAgainst(
                parseAgainst(empty, "state.json", PROJECT),
                [big],
                "state.json",
            );
            const out = text(big, { against: "state.json", diff });
            const list = accountSummaries(big, diff);
            assert.strictEqual(
                out.match(/^ {2}2000000000\d\d \(member-\d+\) /gm)?.length,
                LISTED_WHEN_FOLDED,
            );
            const rest = list.slice(LISTED_WHEN_FOLDED);
            const created = rest.reduce((n, a) => n + (a.new ?? 0), 0);
            assert.strictEqual(
                created,
                rest.reduce((n, a) => n + a.resources, 0),
                "all new",
            );
            assert.ok(
                out.includes(
                    `  ... ${rest.length} more accounts with changes: ${created.toLocaleString("en-US")} new, 0 changed, 0 removed`,
                ),
                out,
            );
            assert.strictEqual(out.match(/^ {2}\+ create /gm)?.length, LISTED_CHANGES);
            assert.ok(
                out.includes(
                    `  ... and ${(diff.creates.length - LISTED_CHANGES).toLocaleString("en-US")} more to create (--verbose lists them)`,
                ),
            );
            const verbose = text(big, { against: "state.json", diff }, true);
            assert.strictEqual(verbose.match(/^ {2}\+ create /gm)?.length, diff.creates.length);
        });

        it("evidence: the roles whose every scenario is as expected fold into one line, a failure never", () => {
            const entry = (i: number, simulated: "allowed" | "denied"): EvidenceEntry => ({
                accountId: String(200000000000 + i),
                role: "SecurityAuditRole",
                scenario: "iam-write",
                expected: "denied",
                simulated,
                reason: "test",
            });
            const evidence = Array.from({ length: N }, (_, i) =>
                entry(i, i === 3 ? "allowed" : "denied"),
            );
            const names = accountNames(big);
            const folded = evidenceLines(evidence, names, false);
            assert.deepStrictEqual(folded, [
                `evidence: ${N - 1} of ${N} scenarios as expected`,
                `  ok    ${N - 1} (account, role) pairs: every scenario as expected (--verbose lists them)`,
                "  FAIL  200000000003 (member-3) SecurityAuditRole: iam-write expected denied, simulated allowed: test",
            ]);
            assert.strictEqual(evidenceLines(evidence, names, true).length, N + 1);
            assert.ok(FOLDED_OK_LINES < N);
        });

        it("without a baseline, lists the first accounts and counts the rest", () => {
            const out = text(big);
            const lines = out.match(/^ {2}2000000000\d\d \(member-\d+\) /gm) ?? [];
            assert.strictEqual(lines.length, LISTED_WHEN_FOLDED);
            const rest = accountSummaries(big).slice(LISTED_WHEN_FOLDED);
            assert.ok(
                out.includes(
                    `  ... ${rest.length} more accounts: ${rest.reduce((n, a) => n + a.resources, 0).toLocaleString("en-US")} resources`,
                ),
                out,
            );
            assert.ok(out.split("\n").length < 40, "a screen");
        });
    });

    describe("past the folding number of stacks (a sharded organization)", () => {
        const shard = (i: number): StackPlan =>
            stackPlan({ ...base, stack: `workload-${String(i).padStart(3, "0")}` });
        const unchanged = (p: StackPlan): StackBaseline => ({
            against: "the previous plan",
            diff: against(p.result, p.result),
        });

        it("stacks without change fold into one line; a stack with changes or a problem keeps its block", () => {
            const plans = Array.from({ length: FOLD_STACKS + 5 }, (_, i) => shard(i + 1));
            const baselines = new Map(plans.map((p) => [p.result.stack, unchanged(p)]));
            // workload-002's baseline had no staging: staging is new there.
            const smaller = {
                ...plans[1].result,
                resources: base.resources.filter((r) => r.accountId !== STAGING),
            };
            baselines.set("workload-002", {
                against: "the previous plan",
                diff: against(smaller, plans[1].result),
            });
            const violation = {
                policyPackName: "org-access",
                policy: "iam-role-session-cap",
                description: "",
                message: "too long",
                resource: "acct-777788889999-role",
                enforcementLevel: "advisory",
            };
            plans[4] = { ...plans[4], violations: [violation] } as unknown as StackPlan;
            const out = toText(plans, { baselines });
            const blocks = out.match(/^stack workload-\d+ \(region us-east-1\)/gm) ?? [];
            assert.deepStrictEqual(blocks, [
                "stack workload-002 (region us-east-1)",
                "stack workload-005 (region us-east-1)",
            ]);
            assert.match(
                out,
                /\n {2}ADVISORY +iam-role-session-cap on acct-777788889999-role: too long/,
            );
            const quiet = plans.length - 2;
            const accounts = accountSummaries(base).length;
            assert.ok(
                out.includes(
                    `${quiet} stacks without change, every proof holding, every scenario as expected, no violation: ${quiet * accounts} accounts, ${(quiet * deployed(base.resources).length).toLocaleString("en-US")} resources (--verbose lists them)`,
                ),
                out,
            );
            const verbose = toText(plans, { baselines, verbose: true });
            assert.strictEqual(
                verbose.match(/^stack workload-\d+ \(region/gm)?.length,
                plans.length,
            );
        });

        it("a stack whose only change is role removals, or with an expired suppression, keeps its block", () => {
            // Every stack changes (a first plan), so past FOLD_STACKS the changed ones shrink to a line.
            const plans = Array.from({ length: FOLD_STACKS + 2 }, (_, i) => shard(i + 1));
            const baselines = new Map<string, StackBaseline>();
            // workload-003 removes staging: its roles go, nothing else changes.
            const smaller = {
                ...plans[2].result,
                resources: base.resources.filter((r) => r.accountId !== STAGING),
            };
            plans[2] = stackPlan(smaller);
            const diff = against({ ...base, stack: smaller.stack }, smaller);
            assert.ok(diff.removals.length > 0 && diff.creates.length === 0, "removals only");
            baselines.set(smaller.stack, { against: "the previous plan", diff });
            // workload-004 changes nothing, but a suppression expired: its violations are back.
            baselines.set(plans[3].result.stack, {
                against: "the previous plan",
                diff: against(plans[3].result, plans[3].result),
            });
            plans[3] = {
                ...plans[3],
                suppressions: [{ status: "expired" }],
            } as unknown as StackPlan;
            const out = toText(plans, { baselines });
            const blocks = out.match(/^stack workload-\d+ \(region us-east-1\)/gm) ?? [];
            assert.deepStrictEqual(blocks, [
                "stack workload-003 (region us-east-1)",
                "stack workload-004 (region us-east-1)",
            ]);
            assert.doesNotMatch(out, /^stack workload-003: /m);
        });

        it("the count line past LISTED_STACKS says how many resources the counted stacks remove", () => {
            const plans = Array.from({ length: LISTED_STACKS + 3 }, (_, i) => shard(i + 1));
            const deleted = (stack: string, n: number): StackBaseline => {
                const same = against({ ...base, stack }, { ...base, stack });
                const deletes = Array.from({ length: n }, (_, k) => ({
                    urn: `urn:pulumi:${stack}::${PROJECT}::aws:iam/policy:Policy::gone-${k}`,
                    type: "aws:iam/policy:Policy",
                    accountId: STAGING,
                }));
                return { against: "the previous plan", diff: { ...same, deletes } };
            };
            const baselines = new Map(
                plans.map((p, i) => [p.result.stack, deleted(p.result.stack, i + 1)]),
            );
            const out = toText(plans, { baselines });
            // The last three stacks are counted: stack i deletes i resources.
            const removed = 3 * LISTED_STACKS + 6;
            assert.match(
                out,
                new RegExp(
                    `\\n\\.\\.\\. and 3 more stacks with changes or no previous plan: 6 accounts, [\\d,]+ resources, ${removed} resources removed \\(`,
                ),
            );
        });

        it("a first plan of many stacks: one line per stack, then their count", () => {
            const plans = Array.from({ length: LISTED_STACKS + 3 }, (_, i) => shard(i + 1));
            const out = toText(plans);
            const lines = out.match(/^stack workload-\d+: .*$/gm) ?? [];
            assert.strictEqual(lines.length, LISTED_STACKS);
            assert.strictEqual(
                lines[0],
                `stack workload-001: ${deployed(base.resources).length} resources in 2 accounts; no previous plan: everything new; 0/0 proofs, 0/0 scenarios, no violation`,
            );
            assert.match(
                out,
                /\n\.\.\. and 3 more stacks with changes or no previous plan: 6 accounts, /,
            );
            assert.ok(out.split("\n").length <= LISTED_STACKS + 1);
        });
    });

    describe("the previous plan", () => {
        it("a saved plan reads back and is what the next plan compares with", () => {
            const dir = fs.mkdtempSync(path.join(stateDir(), "saved-"));
            const at = new Date("2026-11-26T12:00:30Z");
            savePlan("workload", resourcesJson(base), undefined, dir, at);
            const previous = readPreviousPlan("workload", undefined, dir);
            assert.strictEqual(previous.status, "found");
            const baseline = previousBaselines([base], new Map([["workload", previous]])).get(
                "workload",
            )!;
            assert.match(baseline.against!, /^the previous plan of 2026-11-26T12:00Z \(/);
            assert.strictEqual(minute(at.toISOString()), "2026-11-26T12:00Z");
            assert.deepStrictEqual(
                [baseline.diff!.creates, baseline.diff!.deletes, baseline.diff!.updates],
                [[], [], []],
            );
            // A plan of another stack file keeps its own.
            assert.notStrictEqual(
                savedPlanFile("workload", "/a/Pulumi.workload.yaml", dir),
                savedPlanFile("workload", undefined, dir),
            );
            assert.strictEqual(
                readPreviousPlan("workload", "/a/Pulumi.workload.yaml", dir).status,
                "none",
            );
        });

        it("a role the previous plan had under another name is a warning, not an error: a local file is not what is deployed", () => {
            const dir = fs.mkdtempSync(path.join(stateDir(), "renamed-"));
            const resources = resourcesJson(base).map((r) =>
                r.type === ROLE && r.props.name === "SecurityAuditRole" && r.accountId === PROD
                    ? { ...r, props: { ...r.props, name: "OldAuditRole" } }
                    : r,
            );
            savePlan("workload", resources, undefined, dir);
            const baseline = previousBaselines(
                [base],
                new Map([["workload", readPreviousPlan("workload", undefined, dir)]]),
            ).get("workload")!;
            assert.strictEqual(baseline.diff!.errors.length, 1);
            const out = text(base, baseline);
            assert.match(
                out,
                new RegExp(
                    `\\n {2}warning: stack workload: role /SecurityAuditRole in account ${PROD} \\(prod\\) would be replaced \\(name changed\\).*against what is deployed \\(--against a pulumi stack export\\) this is an error; this plan is not saved as the previous plan, so the next one warns again until the change is fixed\\n`,
                ),
            );
            assert.doesNotMatch(out, /\n {2}error: /);
        });

        it("a saved plan that is corrupt, of another format or of another stack is ignored, with the reason", () => {
            const dir = fs.mkdtempSync(path.join(stateDir(), "bad-"));
            const file = savedPlanFile("workload", undefined, dir);
            const reasonOf = (content: string) => {
                fs.writeFileSync(file, content);
                const p = readPreviousPlan("workload", undefined, dir);
                assert.strictEqual(p.status, "unreadable", content);
                return (p as { reason: string }).reason;
            };
            assert.match(reasonOf('{"format": '), /^not JSON/);
            assert.match(
                reasonOf(JSON.stringify({ stack: "workload", resources: [] })),
                /saved in another format \(null/,
            );
            const saved = { format: SAVED_PLAN_FORMAT, plannedAt: "2026-11-26T12:00:00Z" };
            assert.match(
                reasonOf(JSON.stringify({ ...saved, stack: "security", resources: [] })),
                /a plan of stack "security"/,
            );
            assert.match(
                reasonOf(JSON.stringify({ ...saved, stack: "workload", resources: [{ urn: 1 }] })),
                /needs "urn" and "type"/,
            );
        });

        it("a plan whose diff against the previous one warns about a role is not saved: the warning stays until fixed", async () => {
            const { file, run } = passingSecurityProject();
            const first = await run();
            assert.strictEqual(first.code, 0, first.err);
            // The previous plan had one of its roles under another name: this plan replaces it.
            const saved = savedPlanFile("security", file);
            const previous = JSON.parse(fs.readFileSync(saved, "utf8"));
            const role = previous.resources.find((r: { type: string }) => r.type === ROLE);
            assert.ok(role, "the security stack plans a role");
            role.props.name = `Old${role.props.name}`;
            const doctored = JSON.stringify(previous);
            fs.writeFileSync(saved, doctored);
            for (const argv of [[], [], ["--json"]]) {
                const again = await run(...argv);
                assert.strictEqual(again.code, 0, again.err);
                if (argv.length === 0)
                    assert.match(
                        again.out,
                        /\n {2}warning: .* would be replaced \(name changed\).*; this plan is not saved as the previous plan, so the next one warns again until the change is fixed\n/,
                    );
                assert.strictEqual(fs.readFileSync(saved, "utf8"), doctored, "not replaced");
            }
        });

        it("npm start: the first plan says everything is new, the next compares with it; a corrupt file is a note, never a failure", async () => {
            const { file, run } = passingSecurityProject();
            const saved = savedPlanFile("security", file);
            assert.ok(saved.startsWith(stateDir()), "the tests' own folder");
            const first = await run();
            assert.strictEqual(first.code, 0, first.err);
            assert.match(
                first.out,
                /\nno previous plan: everything new \(a plan that passes is saved to /,
            );
            assert.ok(fs.existsSync(saved));
            const second = await run();
            assert.strictEqual(second.code, 0, second.err);
            assert.match(
                second.out,
                /\nchanges against the previous plan of \d{4}-\d\d-\d\dT\d\d:\d\dZ \(.*\): 0 to create, 0 to delete, 0 to replace, 0 to update in place/,
            );
            fs.writeFileSync(saved, "not json");
            const corrupt = await run();
            assert.strictEqual(corrupt.code, 0, corrupt.err);
            assert.match(corrupt.out, /\nnote: the previous plan .* is ignored \(not JSON/);
            assert.strictEqual(readPreviousPlan("security", file).status, "found", "replaced");
            // --json does not depend on the previous plan; it is complete. Nor does it move it: the
            // next plan a person reads still compares with what they saw last.
            const baseline = JSON.parse(fs.readFileSync(saved, "utf8"));
            baseline.resources[0].props = { ...baseline.resources[0].props, changedSince: true };
            const kept = JSON.stringify(baseline);
            fs.writeFileSync(saved, kept);
            const json = await run("--json");
            assert.strictEqual(json.code, 0, json.err);
            assert.strictEqual(JSON.parse(json.out).diff, undefined);
            assert.strictEqual(fs.readFileSync(saved, "utf8"), kept, "--json saved over it");
        });
    });
});
