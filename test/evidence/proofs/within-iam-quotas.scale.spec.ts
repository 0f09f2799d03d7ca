// within-iam-quotas at the scale issue 13 asks for: a security stack that grants 1,000 workload
// accounts (four shard stacks of 250) to 100 auditors, with incident responders, break-glass users,
// CI identities and guardrails, and the shards that trust them. Every document of every stack is
// within IAM's default quotas; and a variant built to break them (100 reporters, each pinned to its
// networks) is refused when planned, naming the reporters and the quota's key.
import * as assert from "assert";
import { runProofs } from "../../../evidence/proofs";
import { withinIamQuotas } from "../../../evidence/proofs/within-iam-quotas";
import { policyCharacters } from "../../../components/auditRole";
import { PlanResult } from "../../../plan/run";
import {
    doc,
    ofType,
    planSecurity,
    planWorkload,
    projectWith,
    rejection,
    SECURITY,
    securityValues,
    workloadValues,
} from "../../helpers";
import { proofInput } from "./fixture";

const SHARDS = ["a", "b", "c", "d"];
const PER_SHARD = 250;
const AUDITORS = Array.from({ length: 100 }, (_, i) => `auditor-${String(i).padStart(3, "0")}`);
const REPO = "example-org/org-access";

/** The accounts of one shard: 12-digit ids of their own, every tenth with both duty roles. */
function accounts(shard: number) {
    return Array.from({ length: PER_SHARD }, (_, i) => {
        const n = shard * PER_SHARD + i;
        return {
            name: `team-${String(n).padStart(4, "0")}`,
            accountId: String(200000000000 + n),
            ...(n % 10 === 0 ? { incidentResponseRole: true, breakGlassRole: true } : {}),
        };
    });
}

describe("proof within-iam-quotas at 1,000 accounts and 100 auditors", function () {
    this.timeout(600000);
    let security: PlanResult;
    const shards: PlanResult[] = [];

    before(async () => {
        const files = Object.fromEntries(
            SHARDS.map((s, i) => [
                `workload-${s}`,
                {
                    securityAccountId: SECURITY,
                    workloadAccounts: accounts(i),
                    // The documents do not depend on how the accounts are sharded: four shards
                    // of 250 (a budget raised as on a larger runner) keep the test short.
                    maxAccountsPerStack: PER_SHARD,
                    previewRole: { name: "OrgAccessPreviewRole" },
                },
            ]),
        );
        security = await planSecurity(
            securityValues({
                auditors: AUDITORS,
                incidentResponse: { responders: ["carol", "erin"] },
                breakGlass: { users: ["dana-breakglass"] },
                ci: { repository: REPO, stateBucket: "example-state" },
                guardrails: { targets: ["r-abcd"] },
                workloadStacks: SHARDS.map((s) => `workload-${s}`),
            }),
            projectWith(files),
        );
        const trusted = security.outputs.trustedPrincipals as Record<string, unknown>;
        for (let i = 0; i < SHARDS.length; i++)
            shards.push(
                await planWorkload(
                    workloadValues({
                        workloadAccounts: accounts(i),
                        maxAccountsPerStack: PER_SHARD,
                        previewRole: { name: "OrgAccessPreviewRole" },
                        trustedPrincipals: trusted,
                    }),
                ),
            );
    });

    it("plans what it claims: 1,000 workload accounts granted, 100 auditors trusted", () => {
        assert.strictEqual((security.outputs.grantedAuditRoleArns as string[]).length, 1000);
        const humans = (security.outputs.trustedPrincipals as { humanArns: string[] }).humanArns;
        assert.strictEqual(humans.length, 100);
        assert.strictEqual(
            shards.reduce(
                (n, s) =>
                    n +
                    ofType(s, "aws:iam/role:Role").filter(
                        (r) => r.props.name === "SecurityAuditRole",
                    ).length,
                0,
            ),
            1000,
        );
    });

    it("holds for every document of the security stack and of every shard", () => {
        const results = [security, ...shards].map((stack) => ({
            stack,
            result: runProofs(proofInput(stack, security), [withinIamQuotas])[0],
        }));
        for (const { result } of results) {
            assert.deepStrictEqual(result.counterexamples, []);
            assert.strictEqual(result.holds, true);
        }
        // Every role of every shard was measured (3 quotas each).
        for (const { stack, result } of results.slice(1))
            assert.ok(
                result.checked >= 3 * ofType(stack, "aws:iam/role:Role").length,
                `${result.checked} checks`,
            );
    });

    it("keeps the documents that used to grow with accounts and people small: the auditors group, the CI identities, an audit role's trust", () => {
        const groupTotal = (group: string) =>
            ofType(security, "aws:iam/groupPolicy:GroupPolicy")
                .filter((p) => p.props.group === group)
                .reduce((n, p) => n + policyCharacters(p.props.policy), 0);
        // IAM: 5,120 characters of inline policy per group (was 6,616 at 100 accounts).
        assert.ok(groupTotal("org-access-auditors") < 2500, `${groupTotal("org-access-auditors")}`);
        // IAM: 10,240 per role (the deploy identity was 16,747 at 300 accounts).
        for (const p of ofType(security, "aws:iam/rolePolicy:RolePolicy").filter((r) =>
            String(r.props.role).startsWith("org-access-github-"),
        ))
            assert.ok(policyCharacters(p.props.policy) < 2000, `${p.name}`);
        // IAM: 2,048 per trust policy, 100 auditors included (~30 used to overflow it).
        for (const shard of shards)
            for (const role of ofType(shard, "aws:iam/role:Role")) {
                const trust = String(role.props.assumeRolePolicy);
                assert.ok(policyCharacters(trust) <= 2048, `${role.name}: ${trust.length}`);
                assert.ok(!trust.includes("auditor-0"), "no person is listed by name");
            }
        const grant = doc(
            ofType(security, "aws:iam/groupPolicy:GroupPolicy").find(
                (p) => p.name === "security-access-auditors-assume",
            )!.props.policy,
        );
        assert.deepStrictEqual(grant.Statement[0].Resource, [
            "arn:aws:iam::*:role/SecurityAuditRole",
        ]);
    });

    it("grants the deploy identity the deploy roles of the 1,003 listed accounts only, in managed policies within IAM's quotas", () => {
        const policies = ofType(security, "aws:iam/policy:Policy").filter((p) =>
            /^ci-deploy-roles-\d+$/.test(p.name),
        );
        const attached = ofType(security, "aws:iam/rolePolicyAttachment:RolePolicyAttachment")
            .filter((a) => a.props.role === "org-access-github-deploy")
            .map((a) => String(a.props.policyArn).split("/").pop());
        assert.deepStrictEqual(attached.sort(), policies.map((p) => String(p.props.name)).sort());
        // IAM: 10 managed policies per role by default; 6,144 characters each.
        assert.ok(policies.length >= 3 && policies.length <= 10, `${policies.length}`);
        const accounts = policies.flatMap((p) => {
            assert.ok(policyCharacters(p.props.policy) <= 6144, p.name);
            return doc(p.props.policy).Statement.flatMap(
                (st) => st.Condition.StringEquals["aws:ResourceAccount"] as string[],
            );
        });
        // The 1,000 workload accounts and the security, management and log-archive accounts.
        assert.strictEqual(accounts.length, 1003);
        assert.strictEqual(new Set(accounts).size, 1003);
    });

    it("refuses, when planned, 100 reporters pinned to their networks: the trust names each of them", async () => {
        const reporters = Array.from({ length: 100 }, (_, i) => ({
            name: `reporter-${i}`,
            arn: `arn:aws:iam::${SECURITY}:user/org-access/reporter-${i}`,
            externalId: `ext-id-${String(i).padStart(16, "0")}`,
            sourceIps: [`198.51.100.${i}/32`],
        }));
        const e = await rejection(
            planWorkload(
                workloadValues({
                    workloadAccounts: accounts(0).slice(1, 3),
                    trustedPrincipals: {
                        humanArns: AUDITORS.map(
                            (a) => `arn:aws:iam::${SECURITY}:user/org-access/${a}`,
                        ),
                        reporters,
                    },
                }),
            ),
        );
        assert.match(
            e.message,
            /refusing to create a trust policy:\n\* the trust policy would have \d+ characters, more than iamQuotas.roleTrustPolicyLength \(2048\): reporters are named one statement each \(100 reporters, 100 with network conditions\).*set org-access:iamQuotas.roleTrustPolicyLength/,
        );
    });
});
