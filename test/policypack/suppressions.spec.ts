// Suppressions in the pack config (policypack/suppressions.ts): validated strictly, applied by the
// runner (plan, check) and by the pack itself under the engine, with the same verdicts.
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ResourceValidationPolicy } from "@pulumi/policy";
import {
    checkPack,
    checkResources,
    PlannedResource,
    POLICIES,
    PolicyConfigError,
} from "../../policypack/runner";
import {
    findingId,
    honouringSuppressions,
    MAX_SUPPRESSION_DAYS,
    MIN_NAME_PREFIX,
    suppressionProblems,
    utcDay,
} from "../../policypack/suppressions";
import { allowAssume, policyDoc, runResourcePolicy } from "./helpers";

const ROLE = "aws:iam/role:Role";
const STACKSET = "aws:cloudformation/stackSet:StackSet";
/** A StackSet whose template creates roles anyone may assume: each its own finding. */
const templateOf = (roles: readonly string[]) =>
    JSON.stringify({
        AWSTemplateFormatVersion: "2010-09-09",
        Resources: Object.fromEntries(
            roles.map((r) => [
                r,
                {
                    Type: "AWS::IAM::Role",
                    Properties: {
                        RoleName: r.toLowerCase(),
                        AssumeRolePolicyDocument: policyDoc(allowAssume("*")),
                    },
                },
            ]),
        ),
    });
const stackSet = (roles: readonly string[]): PlannedResource => ({
    type: STACKSET,
    name: "member-roles",
    props: {
        name: "member-roles",
        permissionModel: "SERVICE_MANAGED",
        templateBody: templateOf(roles),
    },
});
const WILDCARD = "iam-no-wildcard-principal";
const openRole = (name: string): PlannedResource => ({
    type: ROLE,
    name,
    props: { assumeRolePolicy: JSON.stringify(policyDoc(allowAssume("*"))) },
});
const RESOURCES = [openRole("legacy"), openRole("other")];
const NOW = new Date("2026-06-01T12:00:00Z");
const LAST_DAY = "2026-06-30";
/** The finding ids of a policy's violations on the fixture, as `npm start` prints them. */
const idsOf = (policy: string, resources = RESOURCES) =>
    checkResources(resources, {}, { now: NOW })
        .filter((v) => v.policy === policy)
        .map((v) => v.finding!);

/** A suppression accepting the wildcard policy's findings on both roles (of which it names one). */
const suppress = (
    resource: string,
    expires = LAST_DAY,
    reason = "TICKET-12: removed in Q3",
    findings = idsOf(WILDCARD),
) => ({
    [WILDCARD]: { suppressions: [{ resource, findings, reason, expires }] },
});
/** A well-formed finding id that no fixture's finding has. */
const ID = ["0123456789abcdef"];
const line = (v: { policy: string; resource: string }) => `${v.policy} ${v.resource}`;
const problemsOf = (config: unknown, now = NOW): readonly string[] => {
    try {
        checkPack(RESOURCES, config as never, { now });
    } catch (e) {
        assert.ok(e instanceof PolicyConfigError, String(e));
        return e.problems;
    }
    return [];
};

describe("suppressions in the pack config", () => {
    const unsuppressed = checkResources(RESOURCES, {}, { now: NOW });

    it("the fixture violates the policy on both roles (so a suppression has something to hide)", () => {
        assert.deepStrictEqual(unsuppressed.filter((v) => v.policy === WILDCARD).map(line), [
            `${WILDCARD} legacy`,
            `${WILDCARD} other`,
        ]);
    });

    it("an active suppression hides exactly its policy's violation on its resource, and says so", () => {
        const r = checkPack(RESOURCES, suppress(`${ROLE}::legacy`), { now: NOW });
        assert.deepStrictEqual(
            r.violations.map(line),
            unsuppressed.filter((v) => line(v) !== `${WILDCARD} legacy`).map(line),
        );
        // Other policies on the same resource still report.
        assert.ok(r.violations.some((v) => v.resource === "legacy" && v.policy !== WILDCARD));
        assert.deepStrictEqual(r.suppressed.map(line), [`${WILDCARD} legacy`]);
        assert.strictEqual(r.suppressed[0].suppression.reason, "TICKET-12: removed in Q3");
        assert.deepStrictEqual(
            r.suppressions.map((u) => [u.policy, u.suppression.resource, u.status, u.matched]),
            [[WILDCARD, `${ROLE}::legacy`, "active", 1]],
        );
    });

    it("matches a URN exactly and a type::name pattern with * wildcards", () => {
        const urn = "urn:pulumi:prod::org-access::aws:iam/role:Role::legacy";
        const withUrn = [{ ...openRole("legacy"), urn }, openRole("other")];
        const byUrn = checkPack(withUrn, suppress(urn), { now: NOW });
        assert.deepStrictEqual(byUrn.suppressed.map(line), [`${WILDCARD} legacy`]);
        const otherUrn = checkPack(withUrn, suppress(urn.replace("prod", "dev")), { now: NOW });
        assert.deepStrictEqual(otherUrn.suppressed, []);
        const glob = checkPack(RESOURCES, suppress(`${ROLE}::oth*`), { now: NOW });
        assert.deepStrictEqual(glob.suppressed.map(line), [`${WILDCARD} other`]);
    });

    it("accepts the findings it lists, never a new finding on the same resource (a StackSet's template gaining an open role)", () => {
        const before = [stackSet(["LegacyAdmin"])];
        const accepted = idsOf(WILDCARD, before);
        assert.strictEqual(accepted.length, 1);
        const config = suppress(`${STACKSET}::member-roles`, LAST_DAY, "TICKET-20", accepted);
        const kept = checkPack(before, config, { now: NOW });
        assert.deepStrictEqual(
            kept.violations.filter((v) => v.policy === WILDCARD),
            [],
        );
        assert.strictEqual(kept.suppressed.length, 1);
        // The template gains a role: the same policy, the same StackSet, a new finding.
        const after = checkPack([stackSet(["LegacyAdmin", "NewAdmin"])], config, { now: NOW });
        const reported = after.violations.filter((v) => v.policy === WILDCARD);
        assert.deepStrictEqual(
            reported.map((v) => /resource (\w+):/.exec(v.message)?.[1]),
            ["NewAdmin"],
        );
        assert.deepStrictEqual(
            after.suppressed.map((v) => /resource (\w+):/.exec(v.message)?.[1]),
            ["LegacyAdmin"],
        );
        // The id is the finding's: its policy, resource and message; no stack, no line.
        const subject = { type: ROLE, name: "legacy" };
        assert.strictEqual(findingId(WILDCARD, subject, "m"), findingId(WILDCARD, subject, "m"));
        assert.notStrictEqual(findingId(WILDCARD, subject, "m"), findingId(WILDCARD, subject, "n"));
        assert.notStrictEqual(
            findingId(WILDCARD, subject, "m"),
            findingId(WILDCARD, { ...subject, name: "other" }, "m"),
        );
        assert.match(findingId(WILDCARD, subject, "m"), /^[0-9a-f]{16}$/);
    });

    it("is active through its expiry day (UTC), and the violation comes back the next day, naming the expired suppression", () => {
        const lastDay = checkPack(RESOURCES, suppress(`${ROLE}::legacy`), {
            now: new Date(`${LAST_DAY}T23:59:59Z`),
        });
        assert.deepStrictEqual(lastDay.suppressed.map(line), [`${WILDCARD} legacy`]);
        const after = checkPack(RESOURCES, suppress(`${ROLE}::legacy`), {
            now: new Date("2026-07-01T00:00:00Z"),
        });
        assert.deepStrictEqual(after.suppressed, []);
        const back = after.violations.find((v) => line(v) === `${WILDCARD} legacy`)!;
        assert.ok(back, "the violation is reported again");
        assert.strictEqual(back.enforcementLevel, "mandatory");
        const original = unsuppressed.find((v) => line(v) === `${WILDCARD} legacy`)!;
        assert.strictEqual(
            back.message,
            `${original.message}\n(suppression expired on ${LAST_DAY}: "TICKET-12: removed in Q3"; fix the violation, or renew the suppression in the pack config with a new reason and date)`,
        );
        assert.deepStrictEqual(
            after.suppressions.map((u) => u.status),
            ["expired"],
        );
    });

    it("a suppression that matches nothing is listed as unused and changes nothing", () => {
        const r = checkPack(RESOURCES, suppress(`${ROLE}::gone`), { now: NOW });
        assert.deepStrictEqual(r.violations, unsuppressed);
        assert.deepStrictEqual(
            r.suppressions.map((u) => [u.status, u.matched]),
            [["unused", 0]],
        );
    });

    it("refuses bad suppressions with every problem at once, each naming its key and the fix", () => {
        const config = {
            [WILDCARD]: {
                suppressions: [
                    { resource: "*::*", findings: ID, reason: "", expires: "2026-02-30" },
                    { resource: `${ROLE}::*`, findings: ID, reason: "ok", expires: "2027-06-02" },
                    { reason: "ok", expires: "2026-07-01", owner: "me" },
                    { resource: "legacy", findings: ID, reason: "ok", expires: 20260701 },
                    {
                        resource: "urn:pulumi:prod::org-access::aws:iam/role:Role::*",
                        findings: ["legacy", 7],
                        reason: "ok",
                        expires: LAST_DAY,
                    },
                ],
            },
            "iam-no-admin-grants": { suppressions: { resource: "x" } },
        };
        const where = `${WILDCARD}.suppressions`;
        const tooMany = `a name pattern starts with at least ${MIN_NAME_PREFIX} literal characters before any * (e.g. legacy-*), or name the resource exactly`;
        assert.deepStrictEqual(problemsOf(config), [
            `${where}[0].resource: "*::*" has a * in its type: name the type exactly (e.g. aws:iam/role:Role)`,
            `${where}[0].reason: is required and must not be empty (why the violation is accepted, and by whom: a ticket)`,
            `${where}[0].expires: "2026-02-30" is not a date YYYY-MM-DD (e.g. 2026-08-30)`,
            `${where}[1].resource: "${ROLE}::*" matches too many ${ROLE}s: ${tooMany}`,
            `${where}[1].expires: 2027-06-02 is 366 days ahead; at most ${MAX_SUPPRESSION_DAYS} (2027-06-01): review it again then`,
            `${where}[2].owner: unknown key (known: resource, findings, reason, expires)`,
            `${where}[2].resource: is required (the resource's URN, or "<type>::<name>" as in "aws:iam/role:Role::legacy-admin")`,
            `${where}[2].findings: is required, the ids of the findings it accepts (npm start and npx org-access check print each violation's "finding <id>"): a suppression accepts findings, not every violation of a resource`,
            `${where}[3].resource: "legacy" must be a URN or "<type>::<name>", e.g. "aws:iam/role:Role::legacy-admin"`,
            `${where}[3].expires: is required, a date YYYY-MM-DD at most ${MAX_SUPPRESSION_DAYS} days ahead`,
            `${where}[4].resource: "urn:pulumi:prod::org-access::aws:iam/role:Role::*" a URN is matched exactly: drop the * or use <type>::<name> with wildcards`,
            `${where}[4].findings[0]: "legacy" is not a finding id (16 hex digits, as npm start prints after "finding")`,
            `${where}[4].findings[1]: 7 is not a finding id (16 hex digits, as npm start prints after "finding")`,
            "iam-no-admin-grants.suppressions: must be an array of {resource, findings, reason, expires}",
        ]);
        // Exactly a year ahead is allowed; an expired suppression is no config error.
        for (const expires of ["2027-06-01", "2020-01-01"])
            assert.deepStrictEqual(
                suppressionProblems(
                    WILDCARD,
                    [{ resource: `${ROLE}::a`, findings: ID, reason: "r", expires }],
                    NOW,
                ),
                [],
            );
    });

    it("refuses patterns that match nearly everything: a * in the type, or fewer literal characters than the minimum before a * in the name", () => {
        const problems = (resource: string) =>
            suppressionProblems(
                WILDCARD,
                [{ resource, findings: ID, reason: "r", expires: LAST_DAY }],
                NOW,
            );
        for (const resource of [
            "*::*-*",
            "*::*a*",
            "*::legacy",
            "aws:iam/*::legacy",
            `${ROLE}::*e*`,
            `${ROLE}::le*`,
            `${ROLE}::*`,
        ])
            assert.strictEqual(problems(resource).length, 1, resource);
        for (const resource of [`${ROLE}::leg*`, `${ROLE}::legacy-*-admin`, `${ROLE}::legacy`])
            assert.deepStrictEqual(problems(resource), [], resource);
    });

    it("every policy of the pack takes suppressions, with the schema the Pulumi CLI validates", () => {
        for (const p of POLICIES) {
            const schema = p.configSchema?.properties?.suppressions;
            assert.ok(schema, `${p.name} takes no suppressions`);
            assert.strictEqual(schema.type, "array");
            const items = schema.items as { required?: string[]; additionalProperties?: unknown };
            assert.deepStrictEqual(items.required, ["resource", "findings", "reason", "expires"]);
            assert.strictEqual(items.additionalProperties, false);
        }
        // Accepted on each policy, reported per policy.
        const config = Object.fromEntries(
            POLICIES.map((p) => [
                p.name,
                {
                    suppressions: [
                        {
                            resource: `${ROLE}::legacy`,
                            // Every policy's findings on the fixture: a policy without any has none
                            // to accept, and a suppression names at least one.
                            findings: [...idsOf(p.name), ...ID],
                            reason: "r",
                            expires: LAST_DAY,
                        },
                    ],
                },
            ]),
        );
        const r = checkPack(RESOURCES, config, { now: NOW });
        assert.deepStrictEqual(
            r.suppressions.map((u) => u.policy),
            POLICIES.map((p) => p.name),
        );
        // No violation of any policy on "legacy" is left.
        assert.deepStrictEqual(
            r.violations.filter((v) => v.resource === "legacy"),
            [],
        );
        assert.ok(r.suppressed.length >= 2, JSON.stringify(r.suppressed.map(line)));
    });
});

describe("suppressions under the engine (the pack's own policies, policypack/index.ts)", () => {
    const policy = POLICIES.find((p) => p.name === WILDCARD) as ResourceValidationPolicy;
    const props = openRole("legacy").props;
    const run = (now: Date, config?: Record<string, unknown>) =>
        runResourcePolicy(
            honouringSuppressions(policy, () => now),
            ROLE,
            props,
            {
                name: "legacy",
                ...(config ? { config } : {}),
            },
        );
    const config = suppress(`${ROLE}::legacy`)[WILDCARD];

    it("reports what the runner reports: hidden while active, back with the expiry note after", async () => {
        const plain = await run(NOW);
        assert.ok(plain.violations.length > 0);
        assert.deepStrictEqual((await run(NOW, config)).violations, []);
        const later = new Date("2026-07-01T00:00:00Z");
        const expired = await run(later, config);
        const runner = checkResources([openRole("legacy")], { [WILDCARD]: config }, { now: later })
            .filter((v) => v.policy === WILDCARD)
            .map((v) => v.message);
        assert.deepStrictEqual(expired.violations, runner);
        assert.match(expired.violations[0], /suppression expired on 2026-06-30: "TICKET-12/);
        // Another resource of the same type is not covered.
        const other = await runResourcePolicy(
            honouringSuppressions(policy, () => NOW),
            ROLE,
            props,
            {
                name: "other",
                config,
            },
        );
        assert.deepStrictEqual(other.violations, plain.violations);
    });

    it("accepts only the listed findings of a StackSet's template, as the runner does", async () => {
        const accepted = idsOf(WILDCARD, [stackSet(["LegacyAdmin"])]);
        const cfg = suppress(`${STACKSET}::member-roles`, LAST_DAY, "TICKET-20", accepted)[
            WILDCARD
        ];
        const engine = await runResourcePolicy(
            honouringSuppressions(policy, () => NOW),
            STACKSET,
            stackSet(["LegacyAdmin", "NewAdmin"]).props,
            { name: "member-roles", config: cfg },
        );
        const runner = checkResources(
            [stackSet(["LegacyAdmin", "NewAdmin"])],
            { [WILDCARD]: cfg },
            { now: NOW },
        )
            .filter((v) => v.policy === WILDCARD)
            .map((v) => v.message);
        assert.strictEqual(runner.length, 1);
        assert.match(runner[0], /resource NewAdmin:/);
        assert.deepStrictEqual(engine.violations, runner);
    });

    it("keeps the types each validation declares (the runner and the engine skip by them)", () => {
        const wrapped = honouringSuppressions(policy);
        const types = (p: ResourceValidationPolicy) =>
            [p.validateResource]
                .flat()
                .map(
                    (v) =>
                        (v as { __pulumiType?: string; __orgAccessTypes?: readonly string[] })
                            .__orgAccessTypes ?? (v as { __pulumiType?: string }).__pulumiType,
                );
        assert.deepStrictEqual(types(wrapped), types(policy));
    });
});

describe("suppressions in the offline plan and its report", () => {
    it("the plan applies them, keeps every suppression with its status, and the report lists each", async () => {
        const { evaluateStack } = await import("../../plan/offline");
        const { renderReport } = await import("../../evidence/report");
        const { planWorkload, workloadValues } = await import("../helpers");
        const result = await planWorkload(workloadValues());
        // Two roles with a wildcard trust inside the plan: violations to suppress.
        const audit = result.resources.find((r) => r.type === ROLE && r.options.parent)!;
        for (const name of ["open-a", "open-b"])
            result.resources.push({
                ...audit,
                name,
                urn: audit.urn.replace(/::[^:]+$/, `::${name}`),
                props: {
                    ...audit.props,
                    name,
                    assumeRolePolicy: openRole(name).props.assumeRolePolicy,
                },
            });
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "suppressions-"));
        const stackFile = path.join(dir, "Pulumi.workload.yaml");
        fs.writeFileSync(stackFile, "config:\n  aws:region: us-east-1\n");
        // The pack runs on the real clock here: a month ahead, and long past.
        const ahead = utcDay(new Date(Date.now() + 30 * 24 * 3600 * 1000));
        const plain = evaluateStack(result, undefined, {}, stackFile);
        const open = (v: { policy: string; resource: string }) =>
            v.policy === WILDCARD && v.resource.startsWith("open-");
        assert.deepStrictEqual(
            plain.violations.filter(open).map((v) => v.resource),
            ["open-a", "open-b"],
        );
        const findings = plain.violations.filter(open).map((v) => v.finding!);
        const config = {
            [WILDCARD]: {
                suppressions: [
                    {
                        resource: `${ROLE}::open-a`,
                        findings,
                        reason: "BG-1: reviewed",
                        expires: ahead,
                    },
                    {
                        resource: `${ROLE}::open-b`,
                        findings,
                        reason: "BG-2: old",
                        expires: "2020-01-31",
                    },
                    {
                        resource: `${ROLE}::gone`,
                        findings,
                        reason: "BG-3: left over",
                        expires: ahead,
                    },
                ],
            },
        };
        const plan = evaluateStack(result, undefined, config, stackFile);
        assert.deepStrictEqual(
            plan.violations.filter(open).map((v) => v.resource),
            ["open-b"],
        );
        assert.match(
            plan.violations.find(open)!.message,
            /suppression expired on 2020-01-31: "BG-2: old"/,
        );
        assert.deepStrictEqual(
            plan.suppressions!.map((u) => [u.suppression.reason, u.status, u.matched]),
            [
                ["BG-1: reviewed", "active", 1],
                ["BG-2: old", "expired", 1],
                ["BG-3: left over", "unused", 0],
            ],
        );
        // npm start --json lists them per stack; its text says so only when one needs a look.
        const { toJson, suppressionLine } = await import("../../plan/render");
        const json = toJson([plan]) as {
            suppressions: { policy: string; suppression: { reason: string }; status: string }[];
        };
        assert.deepStrictEqual(
            json.suppressions.map((u) => [u.policy, u.suppression.reason, u.status]),
            [
                [WILDCARD, "BG-1: reviewed", "active"],
                [WILDCARD, "BG-2: old", "expired"],
                [WILDCARD, "BG-3: left over", "unused"],
            ],
        );
        assert.ok(!("suppressions" in (toJson([plain]) as object)));
        assert.deepStrictEqual(suppressionLine(plan), [
            `suppressions: 1 expired, 1 unused of 3 in the pack config (renew or remove them; npx org-access plan --json lists each, policypack/README.md "Suppressions")`,
        ]);
        const active = plan.suppressions!.filter((u) => u.status === "active");
        assert.deepStrictEqual(suppressionLine({ ...plan, suppressions: active }), []);
        assert.deepStrictEqual(suppressionLine(plain), []);
        const report = renderReport({
            source: "test",
            policyPackRan: true,
            adminExemptions: { roles: [], permissionSets: [] },
            stacks: [
                {
                    stack: "workload",
                    model: plan.model,
                    evidence: plan.evidence,
                    violations: plan.violations,
                    suppressions: plan.suppressions,
                    resourceCount: 1,
                },
            ],
        });
        for (const row of [
            `| ${WILDCARD} | ${ROLE}::open-a | BG-1: reviewed | ${ahead} | active: hides 1 violation(s) |`,
            `| ${WILDCARD} | ${ROLE}::open-b | BG-2: old | 2020-01-31 | **expired**: its violations are reported again |`,
            `| ${WILDCARD} | ${ROLE}::gone | BG-3: left over | ${ahead} | **unused**: matches no violation (remove it) |`,
        ])
            assert.ok(report.includes(row), `${row}\nnot in\n${report}`);
        fs.rmSync(dir, { recursive: true, force: true });
    });
});

describe("suppressions in policy:check's output", () => {
    it("lists every suppression after the verdicts (unused ones as a warning), and under --json", async () => {
        const { main } = await import("../../policypack/cli/check");
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "check-suppressions-"));
        const input = path.join(dir, "resources.json");
        fs.writeFileSync(input, JSON.stringify({ resources: RESOURCES }));
        const ahead = utcDay(new Date(Date.now() + 30 * 24 * 3600 * 1000));
        const config = path.join(dir, "config.json");
        fs.writeFileSync(
            config,
            JSON.stringify({
                [WILDCARD]: {
                    suppressions: [
                        {
                            resource: `${ROLE}::legacy`,
                            findings: idsOf(WILDCARD),
                            reason: "TICKET-12",
                            expires: ahead,
                        },
                        {
                            resource: `${ROLE}::gone`,
                            findings: idsOf(WILDCARD),
                            reason: "TICKET-13",
                            expires: ahead,
                        },
                    ],
                },
            }),
        );
        const run = async (argv: string[]) => {
            let stdout = "";
            const code = await main(argv, {
                out: { write: (s: string) => (stdout += s) },
                err: { write: () => true },
            });
            return { code, stdout };
        };
        const text = await run(["--config", config, input]);
        assert.strictEqual(text.code, 1);
        const tail = text.stdout.slice(text.stdout.indexOf("\nsuppressions (2):"));
        assert.strictEqual(
            tail,
            [
                "",
                "suppressions (2):",
                `  active  ${WILDCARD}  ${ROLE}::legacy  until ${ahead}: hides 1 violation(s)`,
                "          reason: TICKET-12",
                `  unused  ${WILDCARD}  ${ROLE}::gone  until ${ahead}: warning: matches no violation (remove it, or fix its resource or findings)`,
                "          reason: TICKET-13",
                // The verdict, last: the suppressed violation is not counted.
                "failed: 2 resources, 3 mandatory violations",
                "",
            ].join("\n"),
        );
        assert.doesNotMatch(text.stdout, new RegExp(`mandatory ${WILDCARD}  legacy`));
        // Each violation names its finding id: what a suppression lists to accept it.
        const otherId = checkResources(RESOURCES, {}, { now: NOW }).find(
            (v) => v.policy === WILDCARD && v.resource === "other",
        )!.finding!;
        assert.ok(text.stdout.includes(`\n          finding ${otherId}\n`), text.stdout);
        const json = JSON.parse((await run(["--json", "--config", config, input])).stdout) as {
            violations: { policy: string; resource: string }[];
            suppressed: { policy: string; resource: string; suppression: { reason: string } }[];
            suppressions: { status: string }[];
        };
        assert.deepStrictEqual(
            json.suppressed.map((v) => [line(v), v.suppression.reason]),
            [[`${WILDCARD} legacy`, "TICKET-12"]],
        );
        assert.ok(!json.violations.some((v) => line(v) === `${WILDCARD} legacy`));
        assert.deepStrictEqual(
            json.suppressions.map((u) => u.status),
            ["active", "unused"],
        );
        // Without suppressions, --json keeps its one key.
        assert.deepStrictEqual(Object.keys(JSON.parse((await run(["--json", input])).stdout)), [
            "violations",
        ]);
        fs.rmSync(dir, { recursive: true, force: true });
    });
});
