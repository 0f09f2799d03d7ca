// The first `pulumi preview` of an empty stack enforces every mandatory policy (issue 10, "The
// first preview enforces everything"). The plan runs in preview mode: the mocks answer as a
// provider does when nothing exists yet (ids, ARNs and every other computed output unknown), and
// props that depend on one hold the engine's unknown sentinel, which the pack's runner reads
// through @pulumi/policy's unknown-checking proxy exactly as the engine's policy server does.
import * as assert from "assert";
import type * as awsTypes from "@pulumi/aws";
import { UNKNOWN } from "../../plan/mocks";
import { PlanResult } from "../../plan/run";
import { DEV, LOG_ARCHIVE, MANAGEMENT, PROD, STAGING } from "../helpers";
import { tamper } from "../helpers/variants";
import { checkResources } from "../../policypack/runner";
import { toPackResource } from "../../plan/run";
import {
    Degraded,
    degradedPolicies,
    describeDegraded,
    packLevels,
    planExampleSecurity,
    planExampleWorkloadPreview,
    previewDegradations,
    shippedPackConfig,
    unknownPaths,
} from "../helpers/preview";

// The example's Identity Store groups (test/helpers/preview.ts exampleSecurityValues).
const IC_AUDIT = "906722b2-4011-70ac-c9b5-e1cd8b4ca7b1";
const IC_RESPONDERS = "a4e8f1c2-3071-70d5-6b2e-9f1d4c3b2a10";
const IC_GLASS = "c1d2e3f4-5061-7089-aabb-ccddeeff0011";

/** The degraded policies as `policy on resource`, sorted. */
const named = (degraded: readonly Degraded[]) =>
    degraded.map((d) => `${d.policy} on ${d.resource}`).sort();

/** Props equal but for the paths the preview does not know. */
function sameKnownProps(preview: unknown, deployed: unknown, path: string): void {
    if (preview === UNKNOWN) return;
    if (Array.isArray(preview) && Array.isArray(deployed)) {
        assert.strictEqual(preview.length, deployed.length, path);
        preview.forEach((v, i) => sameKnownProps(v, deployed[i], `${path}[${i}]`));
    } else if (preview !== null && typeof preview === "object") {
        assert.ok(deployed !== null && typeof deployed === "object", path);
        const d = deployed as Record<string, unknown>;
        assert.deepStrictEqual(Object.keys(preview).sort(), Object.keys(d).sort(), path);
        for (const [k, v] of Object.entries(preview)) sameKnownProps(v, d[k], `${path}.${k}`);
    } else assert.deepStrictEqual(preview, deployed, path);
}

describe("the first preview of an empty stack", () => {
    let deployed: PlanResult;
    let security: PlanResult;
    let workload: PlanResult;
    before(async () => {
        deployed = await planExampleSecurity({ preview: false });
        security = await planExampleSecurity({ preview: true });
        workload = await planExampleWorkloadPreview(deployed);
    });

    it("plans the same resources as a deploy, with every computed output unknown", () => {
        assert.deepStrictEqual(
            security.resources.map((r) => r.urn).sort(),
            deployed.resources.map((r) => r.urn).sort(),
        );
        // Nothing exists yet: no resource has an id, and each still lands in its account.
        assert.deepStrictEqual(
            security.resources.filter((r) => r.id !== undefined).map((r) => r.name),
            [],
        );
        const byUrn = new Map(deployed.resources.map((r) => [r.urn, r]));
        for (const r of security.resources) {
            assert.strictEqual(r.accountId, byUrn.get(r.urn)!.accountId, r.name);
            // An ARN the program builds from config is the one AWS (the mocks) gives the resource.
            sameKnownProps(r.props, byUrn.get(r.urn)!.props, r.name);
        }
    });

    it("leaves unknown only what AWS alone can tell: a new key's id, an SCP's or RCP's id (so the check below is not vacuous)", () => {
        const unknown = Object.fromEntries(
            security.resources
                .map((r) => [r.name, unknownPaths(r).join(",")])
                .filter(([, paths]) => paths !== ""),
        );
        const attachments = [
            "baseline-r-abcd1234",
            "roles-r-abcd1234",
            "regions-r-abcd1234",
            ...[PROD, STAGING, DEV].map((a) => `no-long-lived-credentials-${a}`),
        ];
        assert.deepStrictEqual(unknown, {
            // The ARN of a key created by this preview.
            "org-trail-key-alias": "targetKeyId",
            "org-trail-logs-key-alias": "targetKeyId",
            "org-trail-logs": "kmsKeyId",
            "org-trail-bucket-encryption":
                "rules[0].applyServerSideEncryptionByDefault.kmsMasterKeyId",
            "org-trail-trail": "kmsKeyId",
            "detection-topic": "kmsMasterKeyId",
            // The baseline SCP names the log key; the others name no key and are known.
            "guardrails-baseline": "content",
            // An SCP's id.
            ...Object.fromEntries(attachments.map((a) => [`guardrails-${a}`, "policyId"])),
            // A permission set's ARN (ps-<id> AWS assigns), and so every attachment's and
            // assignment's permissionSetArn: the pack ties them to their set by the engine's
            // property dependencies instead (policypack/policies/permissionSets.ts setOf).
            ...Object.fromEntries(
                ["audit", "incident-response", "break-glass"].map((s) => [
                    `identity-center-${s}`,
                    "arn",
                ]),
            ),
            ...Object.fromEntries(
                [
                    "audit-inline",
                    "audit-securityaudit",
                    "audit-viewonly",
                    "incident-response-inline",
                    "incident-response-securityaudit",
                    "break-glass-admin",
                    ...[PROD, STAGING, DEV].flatMap((a) => [
                        `audit-acct-${a}-${IC_AUDIT}`,
                        `incident-response-acct-${a}-${IC_RESPONDERS}`,
                        `break-glass-acct-${a}-${IC_GLASS}`,
                    ]),
                ].map((n) => [`identity-center-${n}`, "permissionSetArn"]),
            ),
            // An RCP's id. Both RCPs are known: the trail's names the log key by its alias.
            "resource-controls-perimeter-r-abcd1234": "policyId",
            [`resource-controls-trail-logs-${LOG_ARCHIVE}`]: "policyId",
        });
    });

    it("checks the permission sets on a first preview: AdministratorAccess on SecurityAudit is a violation, not a note", () => {
        const admin = tamper(
            security,
            (r) => r.name === "identity-center-audit-viewonly",
            (props) => ({
                ...props,
                managedPolicyArn: "arn:aws:iam::aws:policy/AdministratorAccess",
            }),
        );
        const diagnostics = checkResources(
            admin.resources.map(toPackResource),
            shippedPackConfig(),
        );
        assert.deepStrictEqual(previewDegradations(admin), []);
        assert.deepStrictEqual(
            diagnostics
                .filter((d) => d.policy === "iam-no-admin-grants")
                .map((d) => [d.resource, d.enforcementLevel, d.message.split(" is admin")[0]]),
            [
                [
                    "identity-center-audit-viewonly",
                    "mandatory",
                    'permission set "SecurityAudit": AWS-managed policy arn:aws:iam::aws:policy/AdministratorAccess (identity-center-audit-viewonly)',
                ],
            ],
        );
    });

    it("security stack: no mandatory policy turns into a 'can't run during preview' note", () => {
        const degraded = previewDegradations(security);
        assert.deepStrictEqual(degraded, [], describeDegraded(degraded));
    });

    it("workload stack: no mandatory policy turns into a 'can't run during preview' note", () => {
        assert.ok(workload.resources.length > 20);
        const degraded = previewDegradations(workload);
        assert.deepStrictEqual(degraded, [], describeDegraded(degraded));
    });

    describe("a component reverted to read an output in a policy document", () => {
        let aws: typeof awsTypes;
        let PreviewRole: typeof import("../../components/previewRole").PreviewRole;
        let trailBucketPolicy: typeof import("../../components/orgTrailPolicies").trailBucketPolicy;
        before(async () => {
            aws = await import("@pulumi/aws");
            ({ PreviewRole } = await import("../../components/previewRole"));
            ({ trailBucketPolicy } = await import("../../components/orgTrailPolicies"));
        });
        const provider = () =>
            new aws.Provider("reverted", { region: "us-east-1", allowedAccountIds: [MANAGEMENT] });

        it("a preview role trusting the CI identity's `arn` output: the trust policies are reported by name", async () => {
            const plan = await planExampleSecurity({
                preview: true,
                extend: () => {
                    const p = provider();
                    const identity = new aws.iam.Role(
                        "reverted-identity",
                        {
                            name: "reverted-identity",
                            assumeRolePolicy: JSON.stringify({
                                Version: "2012-10-17",
                                Statement: [
                                    {
                                        Effect: "Allow",
                                        Principal: { Service: "ec2.amazonaws.com" },
                                        Action: "sts:AssumeRole",
                                    },
                                ],
                            }),
                        },
                        { provider: p },
                    );
                    // What stacks/security/ci.ts passed before: the role's `arn` output.
                    new PreviewRole(
                        "reverted",
                        { previewIdentityArn: identity.arn, roleName: "RevertedPreviewRole" },
                        { provider: p },
                    );
                },
            });
            const degraded = previewDegradations(plan);
            assert.deepStrictEqual(named(degraded), [
                "iam-no-wildcard-principal on reverted-role",
                "iam-policy-document-valid on reverted-role",
                "iam-trust-requires-mfa on reverted-role",
            ]);
            for (const d of degraded) {
                assert.strictEqual(d.level, "mandatory");
                assert.strictEqual(
                    d.reason,
                    "string value at .assumeRolePolicy can't be known during preview",
                );
            }
        });

        it("a log bucket policy built from the bucket's `arn` output: the stack's log-bucket check is reported too", async () => {
            const plan = await planExampleSecurity({
                preview: true,
                extend: () => {
                    const p = provider();
                    const bucket = new aws.s3.Bucket(
                        "reverted-bucket",
                        { bucket: "reverted-logs" },
                        { provider: p },
                    );
                    // What OrgTrail's bucket policy read before: the bucket's `arn` output.
                    new aws.s3.BucketPolicy(
                        "reverted-bucket-policy",
                        {
                            bucket: bucket.bucket,
                            policy: bucket.arn.apply((arn) =>
                                JSON.stringify(
                                    trailBucketPolicy(arn, {
                                        trailArn: `arn:aws:cloudtrail:us-east-1:${MANAGEMENT}:trail/t`,
                                        organizationId: "o-abcdefghij",
                                        managementAccountId: MANAGEMENT,
                                    }),
                                ),
                            ),
                        },
                        { provider: p },
                    );
                },
            });
            assert.deepStrictEqual(named(previewDegradations(plan)), [
                "iam-no-wildcard-principal on reverted-bucket-policy",
                "iam-policy-document-valid on reverted-bucket-policy",
                "s3-log-bucket-protected on (stack)",
            ]);
        });
    });

    describe("degradedPolicies", () => {
        const levels = packLevels({
            "iam-role-session-cap": "advisory",
            "cloudtrail-hardened": "remediate",
        });
        const note = (policy: string, pack = "org-access-guard") => ({
            policy,
            resource: "r",
            message: `can't run policy '${policy}' from policy pack '${pack}' during preview: string value at .x can't be known during preview`,
        });

        it("reads the runner's notes and the real policy server's (pack@version)", () => {
            assert.deepStrictEqual(
                degradedPolicies(
                    [
                        note("iam-no-admin-grants"),
                        note("cloudtrail-hardened", "org-access-guard@v0.1.0"),
                    ],
                    levels,
                ),
                [
                    {
                        policy: "iam-no-admin-grants",
                        level: "mandatory",
                        resource: "r",
                        reason: "string value at .x can't be known during preview",
                    },
                    {
                        policy: "cloudtrail-hardened",
                        level: "remediate",
                        resource: "r",
                        reason: "string value at .x can't be known during preview",
                    },
                ],
            );
        });

        it("ignores violations and policies configured as advisory", () => {
            assert.deepStrictEqual(
                degradedPolicies(
                    [
                        note("iam-role-session-cap"),
                        { policy: "iam-no-admin-grants", message: "Role r grants iam:*" },
                    ],
                    levels,
                ),
                [],
            );
        });

        it("refuses a note that names another policy or a policy the pack does not have", () => {
            assert.throws(
                () => degradedPolicies([{ ...note("iam-no-admin-grants"), policy: "x" }], levels),
                /names policy iam-no-admin-grants/,
            );
            assert.throws(
                () => degradedPolicies([note("no-such-policy")], levels),
                /unknown policy/,
            );
        });
    });
});
