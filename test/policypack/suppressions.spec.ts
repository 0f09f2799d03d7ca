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
    honouringSuppressions,
    MAX_SUPPRESSION_DAYS,
    suppressionProblems,
    utcDay,
} from "../../policypack/suppressions";
import { allowAssume, policyDoc, runResourcePolicy } from "./helpers";

const ROLE = "aws:iam/role:Role";
const WILDCARD = "iam-no-wildcard-principal";
const openRole = (name: string): PlannedResource => ({
    type: ROLE,
    name,
    props: { assumeRolePolicy: JSON.stringify(policyDoc(allowAssume("*"))) },
});
const RESOURCES = [openRole("legacy"), openRole("other")];
const NOW = new Date("2026-06-01T12:00:00Z");
const LAST_DAY = "2026-06-30";

const suppress = (resource: string, expires = LAST_DAY, reason = "TICKET-12: removed in Q3") => ({
    [WILDCARD]: { suppressions: [{ resource, reason, expires }] },
});
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
        const glob = checkPack(RESOURCES, suppress("aws:iam/*::oth*"), { now: NOW });
        assert.deepStrictEqual(glob.suppressed.map(line), [`${WILDCARD} other`]);
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
                    { resource: "*::*", reason: "", expires: "2026-02-30" },
                    { resource: `${ROLE}::*`, reason: "ok", expires: "2027-06-02" },
                    { reason: "ok", expires: "2026-07-01", owner: "me" },
                    { resource: "legacy", reason: "ok", expires: 20260701 },
                    {
                        resource: "urn:pulumi:prod::org-access::aws:iam/role:Role::*",
                        reason: "ok",
                        expires: LAST_DAY,
                    },
                ],
            },
            "iam-no-admin-grants": { suppressions: { resource: "x" } },
        };
        const where = `${WILDCARD}.suppressions`;
        assert.deepStrictEqual(problemsOf(config), [
            `${where}[0].resource: "*::*" matches every resource: name the type or the resource (a suppression is an exception, not a switch)`,
            `${where}[0].reason: is required and must not be empty (why the violation is accepted, and by whom: a ticket)`,
            `${where}[0].expires: "2026-02-30" is not a date YYYY-MM-DD (e.g. 2026-08-30)`,
            `${where}[1].resource: "${ROLE}::*" matches every ${ROLE}: name the resource (disable the policy instead if that is meant)`,
            `${where}[1].expires: 2027-06-02 is 366 days ahead; at most ${MAX_SUPPRESSION_DAYS} (2027-06-01): review it again then`,
            `${where}[2].owner: unknown key (known: resource, reason, expires)`,
            `${where}[2].resource: is required (the resource's URN, or "<type>::<name>" as in "aws:iam/role:Role::legacy-admin")`,
            `${where}[3].resource: "legacy" must be a URN or "<type>::<name>", e.g. "aws:iam/role:Role::legacy-admin"`,
            `${where}[3].expires: is required, a date YYYY-MM-DD at most ${MAX_SUPPRESSION_DAYS} days ahead`,
            `${where}[4].resource: "urn:pulumi:prod::org-access::aws:iam/role:Role::*" a URN is matched exactly: drop the * or use <type>::<name> with wildcards`,
            "iam-no-admin-grants.suppressions: must be an array of {resource, reason, expires}",
        ]);
        // Exactly a year ahead is allowed; an expired suppression is no config error.
        assert.deepStrictEqual(
            suppressionProblems(
                WILDCARD,
                [{ resource: `${ROLE}::a`, reason: "r", expires: "2027-06-01" }],
                NOW,
            ),
            [],
        );
        assert.deepStrictEqual(
            suppressionProblems(
                WILDCARD,
                [{ resource: `${ROLE}::a`, reason: "r", expires: "2020-01-01" }],
                NOW,
            ),
            [],
        );
    });

    it("every policy of the pack takes suppressions, with the schema the Pulumi CLI validates", () => {
        for (const p of POLICIES) {
            const schema = p.configSchema?.properties?.suppressions;
            assert.ok(schema, `${p.name} takes no suppressions`);
            assert.strictEqual(schema.type, "array");
            const items = schema.items as { required?: string[]; additionalProperties?: unknown };
            assert.deepStrictEqual(items.required, ["resource", "reason", "expires"]);
            assert.strictEqual(items.additionalProperties, false);
        }
        // Accepted on each policy, reported per policy.
        const config = Object.fromEntries(
            POLICIES.map((p) => [
                p.name,
                { suppressions: [{ resource: `${ROLE}::legacy`, reason: "r", expires: LAST_DAY }] },
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
        const config = {
            [WILDCARD]: {
                suppressions: [
                    { resource: `${ROLE}::open-a`, reason: "BG-1: reviewed", expires: ahead },
                    { resource: `${ROLE}::open-b`, reason: "BG-2: old", expires: "2020-01-31" },
                    { resource: `${ROLE}::gone`, reason: "BG-3: left over", expires: ahead },
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
                        { resource: `${ROLE}::legacy`, reason: "TICKET-12", expires: ahead },
                        { resource: `${ROLE}::gone`, reason: "TICKET-13", expires: ahead },
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
                `  unused  ${WILDCARD}  ${ROLE}::gone  until ${ahead}: warning: matches no violation (remove it, or fix its resource)`,
                "          reason: TICKET-13",
                // The verdict, last: the suppressed violation is not counted.
                "failed: 2 resources, 3 mandatory violations",
                "",
            ].join("\n"),
        );
        assert.doesNotMatch(text.stdout, new RegExp(`mandatory ${WILDCARD}  legacy`));
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
