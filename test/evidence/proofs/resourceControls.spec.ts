// The resource control policies in the simulation and the proofs: AWS evaluates the RCPs of the
// resource's account in every request to it, so the evidence matrix, logs-immutable and
// no-outside-principal must count them where they bind, and must show it when an RCP would stop
// CloudTrail from delivering the trail's logs.
import * as assert from "assert";
import { accessModel } from "../../../evidence/model";
import { Counterexample, runProofs } from "../../../evidence/proofs";
import { logsImmutable } from "../../../evidence/proofs/logs-immutable";
import { noOutsidePrincipal } from "../../../evidence/proofs/no-outside-principal";
import { withinIamQuotas } from "../../../evidence/proofs/within-iam-quotas";
import { evidenceMatrix, mismatches, rcpsFor } from "../../../evidence/simulate";
import { PlanResult } from "../../../plan/run";
import {
    LOG_ARCHIVE,
    MANAGEMENT,
    planSecurity,
    planWorkload,
    PROD,
    projectWith,
    SECURITY,
    securityValues,
    STAGING,
    workloadValues,
} from "../../helpers";
import { mutate, withPolicy } from "../../helpers/variants";
import { proofInput } from "./fixture";

const STRANGER = "012345678901";
const PARTNER = "210987654321";
const OU = "ou-abcd-11111111";
const ACCOUNTS = [
    { name: "prod", accountId: PROD },
    { name: "staging", accountId: STAGING },
];
const ALICE = `arn:aws:iam::${SECURITY}:user/org-access/alice`;
const RCP = (targets: string[], trustedAccountIds: string[] = []) => ({
    resourceControlPolicies: { targets, trustedAccountIds },
});

function security(extra: Record<string, unknown>): Promise<PlanResult> {
    return planSecurity(
        securityValues(extra),
        projectWith({ workload: { securityAccountId: SECURITY, workloadAccounts: ACCOUNTS } }),
    );
}

function workload(): Promise<PlanResult> {
    const trusted = workloadValues().trustedPrincipals as Record<string, unknown>;
    return planWorkload(
        workloadValues({
            workloadAccounts: ACCOUNTS,
            trustedPrincipals: { ...trusted, humanArns: [ALICE] },
        }),
    );
}

function prove(
    proof: typeof logsImmutable,
    stack: PlanResult,
    securityPlan: PlanResult,
): { holds: boolean; checked: number; counterexamples: readonly Counterexample[] } {
    return runProofs(proofInput(stack, securityPlan), [proof])[0];
}

/** The trail RCP with its CloudTrail exception removed: the administrators alone are let through. */
function withoutTrailWriters(plan: PlanResult): PlanResult {
    return withPolicy(plan, "resource-controls-trail-logs", (d) => {
        for (const s of d.Statement) delete s.Condition.StringNotEqualsIfExists;
    });
}

describe("resource control policies in the simulation and the proofs", () => {
    let withRcps: PlanResult;
    let plain: PlanResult;
    let wl: PlanResult;
    before(async () => {
        // One plan at a time: the mocks are the process's.
        withRcps = await security({
            guardrails: { targets: ["r-abcd"] },
            breakGlass: { users: ["dana-breakglass"] },
            ...RCP(["r-abcd"]),
        });
        plain = await security({
            guardrails: { targets: ["r-abcd"] },
            breakGlass: { users: ["dana-breakglass"] },
        });
        wl = await workload();
    });

    it("applies the RCPs to requests on member accounts' resources, never to the management account's", () => {
        const model = accessModel({ stack: wl, security: withRcps });
        const labels = (account: string) => rcpsFor(model, account)?.map((p) => p.label);
        assert.deepStrictEqual(labels(PROD), ["RCP org-access-perimeter", "RCP RCPFullAWSAccess"]);
        // The trail RCP is attached to the log-archive account alone.
        assert.deepStrictEqual(labels(LOG_ARCHIVE), [
            "RCP org-access-perimeter",
            "RCP org-access-trail-logs",
            "RCP RCPFullAWSAccess",
        ]);
        assert.strictEqual(labels(MANAGEMENT), undefined);
        // Without an RCP in the plan, no RCP is evaluated (the type may not even be enabled).
        assert.strictEqual(rcpsFor(accessModel({ stack: wl, security: plain }), PROD), undefined);
    });

    it("keeps the evidence matrix as expected: the organization's people pass the RCPs, and a trust policy must still hold alone", () => {
        const entries = evidenceMatrix(accessModel({ stack: wl, security: withRcps }));
        assert.deepStrictEqual(mismatches(entries), []);
        // Expected-denied questions ask whether the trust policy holds alone: an outsider's
        // AssumeRole is denied by the trust policy, not credited to the perimeter RCP.
        const outside = entries.filter((e) => e.scenario === "assume-from-outside-account");
        assert.ok(outside.length > 0);
        for (const e of outside)
            assert.strictEqual(
                e.reason,
                "no trust policy statement names this caller (implicit deny)",
            );
    });

    it("shows the organization's own people denied when an RCP would stop them", () => {
        // The perimeter pinned to another organization: every principal of this one is outside.
        const broken = withPolicy(withRcps, "resource-controls-perimeter", (d) => {
            d.Statement[0].Condition.StringNotEqualsIfExists["aws:PrincipalOrgID"] = [
                "o-other00000",
            ];
        });
        const entries = evidenceMatrix(accessModel({ stack: wl, security: broken }));
        const mfa = entries.filter((e) => e.scenario === "assume-with-mfa");
        assert.ok(mfa.length > 0);
        for (const e of mfa) {
            assert.strictEqual(e.simulated, "denied");
            assert.match(e.reason, /^explicit deny: RCP org-access-perimeter Statement\[0\]/);
        }
        assert.ok(mismatches(entries).length >= mfa.length);
    });

    it("logs-immutable holds with the RCPs and checks that CloudTrail can still deliver", () => {
        const result = prove(logsImmutable, withRcps, withRcps);
        assert.deepStrictEqual(result.counterexamples, []);
        assert.strictEqual(result.holds, true);
        // The RCPs add answers, not questions: the three delivery requests (the bucket's ACL, a
        // log object, a data key) are asked of every plan.
        assert.strictEqual(result.checked, prove(logsImmutable, plain, plain).checked);
    });

    it("logs-immutable fails when the trail RCP has no exception for CloudTrail's delivery", () => {
        const result = prove(
            logsImmutable,
            withoutTrailWriters(withRcps),
            withoutTrailWriters(withRcps),
        );
        assert.strictEqual(result.holds, false);
        const delivery = result.counterexamples.filter(
            (c) => c.principal === "cloudtrail.amazonaws.com",
        );
        assert.deepStrictEqual(delivery.map((c) => c.action).sort(), [
            "kms:GenerateDataKey",
            "s3:PutObject",
        ]);
        for (const c of delivery) {
            assert.match(c.reason, /^CloudTrail cannot deliver the trail's logs: /);
            assert.match(c.reason, /denied by RCP org-access-trail-logs/);
        }
    });

    it("logs-immutable fails when the perimeter RCP lets no AWS service act for the organization", () => {
        const broken = withPolicy(withRcps, "resource-controls-perimeter", (d) => {
            d.Statement[1].Condition = { Bool: { "aws:PrincipalIsAWSService": "true" } };
        });
        const result = prove(logsImmutable, broken, broken);
        assert.deepStrictEqual(
            result.counterexamples
                .filter((c) => c.principal === "cloudtrail.amazonaws.com")
                .map((c) => c.action)
                .sort(),
            ["kms:GenerateDataKey", "s3:GetBucketAcl", "s3:PutObject"],
        );
    });

    it("logs-immutable gains from the trail RCP where nothing else protects the bucket and the key (no guardrails, no admin role)", async () => {
        const bare = await security({});
        const fenced = await security(RCP([LOG_ARCHIVE]));
        const root = `arn:aws:iam::${LOG_ARCHIVE}:root`;
        const rootChanges = (plan: PlanResult) =>
            prove(logsImmutable, plan, plan)
                .counterexamples.filter((c) => c.principal === root)
                .map((c) => c.action)
                .sort();
        const without = rootChanges(bare);
        assert.ok(without.includes("s3:PutLifecycleConfiguration"), without.join(", "));
        const withTrailRcp = rootChanges(fenced);
        assert.ok(!withTrailRcp.includes("s3:PutLifecycleConfiguration"), withTrailRcp.join(", "));
        // The root user's own hold on its bucket's policy is not counted as stopped by an RCP.
        assert.ok(withTrailRcp.includes("s3:PutBucketPolicy"), withTrailRcp.join(", "));
        // The trail key likewise: the RCP names it by its alias, which the model gives requests on
        // the key as KMS does (kms:ResourceAliases), so re-policying the key or moving its alias
        // is stopped there too.
        for (const action of ["kms:PutKeyPolicy", "kms:CreateGrant", "kms:DeleteAlias"]) {
            assert.ok(without.includes(action), `${action}: ${without.join(", ")}`);
            assert.ok(!withTrailRcp.includes(action), `${action}: ${withTrailRcp.join(", ")}`);
        }
        // The log-archive deploy role, an administrator the trail RCP lets through, still can:
        // its requests carry the organization (aws:PrincipalOrgID), so the perimeter does not
        // hide it either.
        const deployRole = `arn:aws:iam::${LOG_ARCHIVE}:role/OrganizationAccountAccessRole`;
        assert.ok(
            prove(logsImmutable, fenced, fenced).counterexamples.some(
                (c) => c.principal === deployRole && c.action === "s3:PutLifecycleConfiguration",
            ),
        );
    });

    it("logs-immutable credits no RCP or SCP attached to an OU, whose accounts the plan cannot see", async () => {
        const root = `arn:aws:iam::${LOG_ARCHIVE}:root`;
        const rootChanges = (plan: PlanResult) =>
            prove(logsImmutable, plan, plan)
                .counterexamples.filter((c) => c.principal === root)
                .map((c) => c.action)
                .sort();
        const bare = rootChanges(await security({}));
        assert.ok(bare.includes("s3:PutLifecycleConfiguration"), bare.join(", "));
        // The trail RCP attached to an OU (as a hand-made plan could): not credited.
        const fenced = await security(RCP([OU]));
        assert.ok(!rootChanges(fenced).includes("s3:PutLifecycleConfiguration"));
        const onOu = mutate(fenced, `resource-controls-trail-logs-${LOG_ARCHIVE}`, (props) => {
            props.targetId = OU;
        });
        assert.deepStrictEqual(rootChanges(onOu), bare);
        // The guardrail SCPs, which need break-glass users: on an OU, not credited.
        const breakGlass = { breakGlass: { users: ["dana-breakglass"] } };
        const unguarded = rootChanges(await security(breakGlass));
        // The root user's hold on its bucket's policy, which only an SCP takes away.
        assert.ok(unguarded.includes("s3:PutBucketPolicy"), unguarded.join(", "));
        assert.deepStrictEqual(
            rootChanges(await security({ ...breakGlass, guardrails: { targets: [OU] } })),
            unguarded,
        );
        // On the log-archive account itself, they are.
        const guarded = rootChanges(
            await security({ ...breakGlass, guardrails: { targets: [LOG_ARCHIVE] } }),
        );
        assert.ok(!guarded.includes("s3:PutBucketPolicy"), guarded.join(", "));
    });

    it("within-iam-quotas counts the RCPs on each target, RCPFullAWSAccess included, apart from the SCPs", () => {
        const rcpAttachments = (plan: PlanResult) =>
            plan.resources.filter(
                (r) =>
                    r.type === "aws:organizations/policyAttachment:PolicyAttachment" &&
                    r.name.startsWith("resource-controls-"),
            );
        assert.deepStrictEqual(prove(withinIamQuotas, withRcps, withRcps).counterexamples, []);
        // The perimeter and RCPFullAWSAccess (the trail RCP is the log-archive account's): four
        // extra attachments make six on r-abcd.
        const base = rcpAttachments(withRcps).find((r) => r.name.endsWith("-r-abcd"))!;
        const crowded: PlanResult = {
            ...withRcps,
            resources: [
                ...withRcps.resources,
                ...[1, 2, 3, 4].map((i) => ({
                    ...base,
                    name: `extra-rcp-${i}`,
                    urn: `${base.urn}-extra-${i}`,
                })),
            ],
        };
        const found = prove(withinIamQuotas, crowded, crowded).counterexamples;
        assert.deepStrictEqual(
            found.map((c) => [c.principal, c.statements.at(-1)]),
            [["target r-abcd", "RCPFullAWSAccess (attached by AWS)"]],
        );
        assert.match(found[0].reason, /^RCPs per target is 6 RCPs, more than AWS's quota of 5: /);
    });

    describe("no-outside-principal", () => {
        const openToStranger = (plan: PlanResult, principal: unknown) =>
            withPolicy(plan, `acct-${PROD}-role`, (d) => {
                d.Statement.push({
                    Sid: "Opened",
                    Effect: "Allow",
                    Principal: principal,
                    Action: "sts:AssumeRole",
                });
            });
        const found = (stack: PlanResult, sec: PlanResult) =>
            prove(noOutsidePrincipal, stack, sec).counterexamples.filter((c) =>
                c.statements.some((s) => s.includes('"Opened"')),
            );

        it("finds a trust opened to an outside account without RCPs, and not with the perimeter RCP at the root", () => {
            const broken = openToStranger(wl, { AWS: `arn:aws:iam::${STRANGER}:root` });
            const before = found(broken, plain);
            assert.strictEqual(before.length, 1);
            assert.match(before[0].reason, /\(outside-account;/);
            assert.deepStrictEqual(found(broken, withRcps), []);
        });

        it("credits no RCP attached to an OU, whose accounts the plan cannot see", async () => {
            const onOu = await security(RCP([OU]));
            const broken = openToStranger(wl, { AWS: `arn:aws:iam::${STRANGER}:root` });
            const result = found(broken, onOu);
            assert.strictEqual(result.length, 1, JSON.stringify(result));
            assert.match(result[0].reason, /\(outside-account;/);
            // Attached to the account itself, it is credited.
            assert.deepStrictEqual(found(broken, await security(RCP([PROD]))), []);
        });

        // An exception in the perimeter that the outsider can meet lets it through: the search
        // looks for a context that escapes the RCPs' Deny over every key the caller controls.
        for (const [what, exception] of [
            [
                "a principal tag the outsider sets on its own user",
                { StringNotEqualsIfExists: { "aws:PrincipalTag/dp-partner": "true" } },
            ],
            ["the caller's address", { NotIpAddressIfExists: { "aws:SourceIp": "0.0.0.0/1" } }],
        ] as const)
            it(`finds the outsider when the perimeter has an exception on ${what}`, () => {
                const loosened = withPolicy(withRcps, "resource-controls-perimeter", (d) => {
                    Object.assign(d.Statement[0].Condition, exception);
                });
                const broken = openToStranger(wl, { AWS: `arn:aws:iam::${STRANGER}:root` });
                assert.deepStrictEqual(found(broken, withRcps), []);
                const result = found(broken, loosened);
                assert.strictEqual(result.length, 1, JSON.stringify(result));
                assert.match(result[0].reason, /\(outside-account;/);
            });

        it("still finds it when the outsider is a partner the RCPs trust", async () => {
            const partnered = await security(RCP(["r-abcd"], [PARTNER]));
            const broken = openToStranger(wl, { AWS: `arn:aws:iam::${PARTNER}:root` });
            const result = found(broken, partnered);
            assert.strictEqual(result.length, 1);
            assert.match(result[0].reason, /\(outside-account;/);
        });

        it("still finds the organization's own undesignated principals behind a trust open to everyone", () => {
            const broken = openToStranger(wl, { AWS: "*" });
            const without = found(broken, plain);
            assert.match(without[0].reason, /\((anyone|outside-account);/);
            const result = found(broken, withRcps);
            assert.strictEqual(result.length, 1, JSON.stringify(result));
            assert.match(result[0].reason, /\(undesignated;/);
        });
    });
});
