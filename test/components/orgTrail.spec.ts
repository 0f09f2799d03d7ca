import * as assert from "assert";
import { DEFAULT_POLICY_CONFIG } from "../../plan/offline";
import { PlannedResource, PlanResult, planStack } from "../../plan/run";
import { checkResources, loadPackConfig } from "../../policypack/runner";
import { awsPrincipalFromArn, evaluateRequest, parsePolicyDocument } from "../../policypack/iam";
import {
    doc,
    LOG_ARCHIVE,
    MANAGEMENT,
    one,
    ofType,
    planSecurity,
    PROD,
    projectWith,
    rejection,
    SECURITY,
    securityValues,
    stackFileOf,
    statement,
} from "../helpers";
import { childrenOf, planComponents, TestProviders } from "../helpers/components";

/** Every resource of the organization trail, sorted by name: all of them are evidence. */
const EVIDENCE_NAMES = [
    "org-trail-bucket",
    "org-trail-bucket-encryption",
    "org-trail-bucket-lifecycle",
    "org-trail-bucket-object-lock",
    "org-trail-bucket-ownership",
    "org-trail-bucket-policy",
    "org-trail-bucket-public-access-block",
    "org-trail-bucket-versioning",
    "org-trail-cloudwatch-delivery",
    "org-trail-cloudwatch-role",
    "org-trail-key",
    "org-trail-key-alias",
    "org-trail-logs",
    "org-trail-logs-key",
    "org-trail-logs-key-alias",
    "org-trail-trail",
];

/**
 * The log evidence as planned: every cloud resource of the OrgTrail component, and every S3
 * resource anywhere in the plan that configures the trail's bucket (a setting added elsewhere can
 * weaken it just as well).
 */
function evidence(plan: PlanResult, bucket: string): PlannedResource[] {
    return plan.resources.filter(
        (r) =>
            !r.component &&
            (r.urn.includes("::org-access:logging:OrgTrail$") ||
                (r.type.startsWith("aws:s3/") && (r.props.bucket === bucket || r.id === bucket))),
    );
}

/** Evidence that a destroy, a removal from the program or a replacement could delete. */
function unprotectedEvidence(plan: PlanResult, bucket: string): string[] {
    return evidence(plan, bucket)
        .filter((r) => !(r.options.protect && r.options.retainOnDelete))
        .map(
            (r) =>
                `${r.type} ${r.name}: protect=${r.options.protect} retainOnDelete=${r.options.retainOnDelete}`,
        )
        .sort();
}

describe("OrgTrail", () => {
    let plan: PlanResult;
    /** With break-glass users, hence with the log-archive admin role. */
    let adminPlan: PlanResult;
    const adminArn = `arn:aws:iam::${LOG_ARCHIVE}:role/OrgAccessLogArchiveAdmin`;
    const trailArn = `arn:aws:cloudtrail:us-east-1:${MANAGEMENT}:trail/org-access`;
    const bucket = `org-access-trail-${LOG_ARCHIVE}-us-east-1`;
    before(async () => {
        const root = projectWith({
            workload: {
                securityAccountId: SECURITY,
                workloadAccounts: [{ name: "prod", accountId: PROD }],
            },
        });
        plan = await planSecurity(securityValues(), root);
        adminPlan = await planSecurity(
            securityValues({ breakGlass: { users: ["dana-breakglass"] } }),
            root,
        );
    });

    it("creates an organization, multi-region, validated, encrypted trail in the management account", () => {
        const t = one(plan, "aws:cloudtrail/trail:Trail", "org-trail-trail");
        assert.strictEqual(t.accountId, MANAGEMENT);
        assert.strictEqual(t.props.name, "org-access");
        assert.strictEqual(t.props.isOrganizationTrail, true);
        assert.strictEqual(t.props.isMultiRegionTrail, true);
        assert.strictEqual(t.props.includeGlobalServiceEvents, true);
        assert.strictEqual(t.props.enableLogFileValidation, true);
        assert.strictEqual(t.props.enableLogging, true);
        assert.strictEqual(t.props.s3BucketName, bucket);
        assert.match(
            String(t.props.kmsKeyId),
            new RegExp(`^arn:aws:kms:us-east-1:${LOG_ARCHIVE}:key/`),
        );
        assert.strictEqual(
            t.props.cloudWatchLogsGroupArn,
            `arn:aws:logs:us-east-1:${MANAGEMENT}:log-group:/org-access/cloudtrail/org-access:*`,
        );
        assert.strictEqual(
            t.props.cloudWatchLogsRoleArn,
            `arn:aws:iam::${MANAGEMENT}:role/org-access-cloudtrail-org-access`,
        );
    });

    it("puts the bucket and the key in the log-archive account, the log group in the management account", () => {
        assert.strictEqual(
            one(plan, "aws:s3/bucket:Bucket", "org-trail-bucket").accountId,
            LOG_ARCHIVE,
        );
        assert.strictEqual(one(plan, "aws:kms/key:Key", "org-trail-key").accountId, LOG_ARCHIVE);
        assert.strictEqual(
            one(plan, "aws:cloudwatch/logGroup:LogGroup", "org-trail-logs").accountId,
            MANAGEMENT,
        );
        for (const r of plan.resources.filter((x) => x.type.startsWith("aws:s3/")))
            assert.strictEqual(r.accountId, LOG_ARCHIVE, r.name);
    });

    it("protects and retains every log-evidence resource, so no mistake or destroy loses logs", () => {
        assert.deepStrictEqual(unprotectedEvidence(plan, bucket), []);
        // What the check covers, by name: a resource dropped from the program shows up here.
        assert.deepStrictEqual(
            evidence(plan, bucket)
                .map((r) => r.name)
                .sort(),
            EVIDENCE_NAMES,
        );
        // A resource outside the evidence stays deletable (nothing here protects by accident).
        const auditors = plan.resources.find(
            (r) => r.type === "aws:iam/group:Group" && r.name === "security-access-auditors",
        );
        assert.ok(auditors, "the auditors group is planned");
        assert.deepStrictEqual(
            [auditors.options.protect, auditors.options.retainOnDelete],
            [false, false],
        );
        assert.strictEqual(
            one(plan, "aws:s3/bucket:Bucket", "org-trail-bucket").props.forceDestroy,
            false,
        );
        for (const key of ["org-trail-key", "org-trail-logs-key"])
            assert.strictEqual(one(plan, "aws:kms/key:Key", key).props.deletionWindowInDays, 30);
    });

    it("the evidence check fails on a plan where one resource of the bucket is not protected", async () => {
        // A variant built to break it: the real OrgTrail plus one more configuration of its
        // bucket, registered without protect or retainOnDelete.
        const { securityStack } = await import("../../stacks/security");
        const { loadSecurityConfig } = await import("../../config");
        const aws = await import("@pulumi/aws");
        const root = projectWith({
            workload: {
                securityAccountId: SECURITY,
                workloadAccounts: [{ name: "prod", accountId: PROD }],
            },
        });
        const variant = await planStack({
            stack: "security",
            stackFile: stackFileOf(securityValues()),
            build: () => {
                const out = securityStack(loadSecurityConfig("security", undefined, root));
                const archive = new aws.Provider("variant-archive", {
                    region: "us-east-1",
                    allowedAccountIds: [LOG_ARCHIVE],
                });
                new aws.s3.BucketCorsConfiguration(
                    "variant-cors",
                    { bucket, corsRules: [{ allowedMethods: ["GET"], allowedOrigins: ["*"] }] },
                    { provider: archive },
                );
                new aws.s3.BucketLogging(
                    "variant-logging",
                    { bucket, targetBucket: bucket, targetPrefix: "x/" },
                    { provider: archive, protect: true },
                );
                return out;
            },
        });
        assert.deepStrictEqual(unprotectedEvidence(variant, bucket), [
            "aws:s3/bucketCorsConfiguration:BucketCorsConfiguration variant-cors: protect=false retainOnDelete=false",
            "aws:s3/bucketLogging:BucketLogging variant-logging: protect=true retainOnDelete=false",
        ]);
    });

    it("rotates a customer-managed key whose policy lets CloudTrail use it only for this trail", () => {
        const key = one(plan, "aws:kms/key:Key", "org-trail-key");
        assert.strictEqual(key.props.enableKeyRotation, true);
        const encrypt = statement(key.props.policy, "CloudTrailEncrypts");
        assert.deepStrictEqual(encrypt.Principal, { Service: "cloudtrail.amazonaws.com" });
        assert.deepStrictEqual(encrypt.Condition.StringEquals, { "aws:SourceArn": trailArn });
        assert.deepStrictEqual(statement(key.props.policy, "CloudTrailDescribesKey").Condition, {
            StringEquals: { "aws:SourceArn": trailArn },
        });
        assert.deepStrictEqual(
            statement(key.props.policy, "LogArchiveAccountAdministers").Principal,
            { AWS: `arn:aws:iam::${LOG_ARCHIVE}:root` },
        );
        // Only Deny statements may name everyone; nothing is allowed to a wildcard principal.
        for (const s of doc(key.props.policy).Statement)
            if (s.Effect === "Allow") assert.notStrictEqual(s.Principal, "*", s.Sid);
        assert.deepStrictEqual(statement(key.props.policy, "DenyKeyDeletion"), {
            Sid: "DenyKeyDeletion",
            Effect: "Deny",
            Principal: "*",
            Action: ["kms:DisableKey", "kms:ScheduleKeyDeletion"],
            Resource: "*",
        });
    });

    it("blocks public access, enforces bucket ownership, versions and encrypts the bucket", () => {
        assert.deepStrictEqual(
            {
                ...one(
                    plan,
                    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
                    "org-trail-bucket-public-access-block",
                ).props,
            },
            {
                bucket,
                blockPublicAcls: true,
                blockPublicPolicy: true,
                ignorePublicAcls: true,
                restrictPublicBuckets: true,
            },
        );
        assert.deepStrictEqual(
            one(
                plan,
                "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
                "org-trail-bucket-ownership",
            ).props.rule,
            { objectOwnership: "BucketOwnerEnforced" },
        );
        assert.deepStrictEqual(
            one(plan, "aws:s3/bucketVersioning:BucketVersioning", "org-trail-bucket-versioning")
                .props.versioningConfiguration,
            { status: "Enabled" },
        );
        const sse = one(
            plan,
            "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
            "org-trail-bucket-encryption",
        ).props.rules as any[];
        assert.strictEqual(sse[0].applyServerSideEncryptionByDefault.sseAlgorithm, "aws:kms");
        assert.strictEqual(sse[0].bucketKeyEnabled, true);
    });

    it("denies insecure transport and log deletion, and lets CloudTrail write only for this trail", () => {
        const policy = one(plan, "aws:s3/bucketPolicy:BucketPolicy", "org-trail-bucket-policy")
            .props.policy;
        const arn = `arn:aws:s3:::${bucket}`;
        assert.deepStrictEqual(statement(policy, "DenyInsecureTransport"), {
            Sid: "DenyInsecureTransport",
            Effect: "Deny",
            Principal: "*",
            Action: "s3:*",
            Resource: [arn, `${arn}/*`],
            Condition: { Bool: { "aws:SecureTransport": "false" } },
        });
        // The bucket itself as well: where no SCP applies, nothing else stops its account's admins.
        assert.deepStrictEqual(statement(policy, "DenyLogDeletion").Action, [
            "s3:DeleteBucket",
            "s3:DeleteObject",
            "s3:DeleteObjectVersion",
        ]);
        assert.deepStrictEqual(statement(policy, "DenyLogDeletion").Resource, [arn, `${arn}/*`]);
        const write = statement(policy, "CloudTrailWrite");
        assert.deepStrictEqual(write.Resource, [
            `${arn}/AWSLogs/${MANAGEMENT}/*`,
            `${arn}/AWSLogs/o-abcdefghij/*`,
        ]);
        assert.deepStrictEqual(write.Condition, {
            StringEquals: {
                "aws:SourceArn": trailArn,
                "s3:x-amz-acl": "bucket-owner-full-control",
            },
        });
        assert.deepStrictEqual(statement(policy, "CloudTrailAclCheck").Condition, {
            StringEquals: { "aws:SourceArn": trailArn },
        });
        for (const s of doc(policy).Statement.filter((x) => x.Effect === "Allow"))
            assert.deepStrictEqual(s.Principal, { Service: "cloudtrail.amazonaws.com" });
    });

    it("moves logs to cold storage and never expires them unless configured", async () => {
        const rules = one(
            plan,
            "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
            "org-trail-bucket-lifecycle",
        ).props.rules as any[];
        assert.deepStrictEqual(rules[0].transitions, [{ days: 90, storageClass: "GLACIER" }]);
        assert.deepStrictEqual(rules[0].noncurrentVersionTransitions, [
            { noncurrentDays: 90, storageClass: "GLACIER" },
        ]);
        assert.strictEqual(rules[0].expiration, undefined);
        const root = projectWith({
            workload: {
                securityAccountId: SECURITY,
                workloadAccounts: [{ name: "prod", accountId: PROD }],
            },
        });
        const custom = await planSecurity(
            securityValues({
                trail: { transitionDays: 30, storageClass: "DEEP_ARCHIVE", expirationDays: 2555 },
            }),
            root,
        );
        const r2 = one(
            custom,
            "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
            "org-trail-bucket-lifecycle",
        ).props.rules as any[];
        assert.deepStrictEqual(r2[0].transitions, [{ days: 30, storageClass: "DEEP_ARCHIVE" }]);
        assert.deepStrictEqual(r2[0].expiration, { days: 2555 });
    });

    it("delivers to CloudWatch Logs through a role only this trail can assume", () => {
        const role = one(plan, "aws:iam/role:Role", "org-trail-cloudwatch-role");
        assert.deepStrictEqual(doc(role.props.assumeRolePolicy).Statement, [
            {
                Sid: "CloudTrailForThisTrailOnly",
                Effect: "Allow",
                Principal: { Service: "cloudtrail.amazonaws.com" },
                Action: "sts:AssumeRole",
                Condition: { StringEquals: { "aws:SourceArn": trailArn } },
            },
        ]);
        const delivery = doc(
            one(plan, "aws:iam/rolePolicy:RolePolicy", "org-trail-cloudwatch-delivery").props
                .policy,
        );
        assert.deepStrictEqual(
            delivery.Statement[0].Resource,
            `arn:aws:logs:us-east-1:${MANAGEMENT}:log-group:/org-access/cloudtrail/org-access:log-stream:*`,
        );
        assert.strictEqual(
            one(plan, "aws:cloudwatch/logGroup:LogGroup", "org-trail-logs").props.retentionInDays,
            365,
        );
    });

    it("keeps the bucket in the security account when no log-archive account is configured", async () => {
        const root = projectWith({
            workload: {
                securityAccountId: SECURITY,
                workloadAccounts: [{ name: "prod", accountId: PROD }],
            },
        });
        const values = securityValues();
        delete values.logArchiveAccount;
        const p = await planSecurity(values, root);
        assert.strictEqual(one(p, "aws:s3/bucket:Bucket", "org-trail-bucket").accountId, SECURITY);
        assert.strictEqual(
            one(p, "aws:s3/bucket:Bucket", "org-trail-bucket").props.bucket,
            `org-access-trail-${SECURITY}-us-east-1`,
        );
        assert.deepStrictEqual(
            ofType(p, "pulumi:providers:aws").map((x) => x.name),
            ["security", "management"],
        );
    });
    it("creates the bucket with Object Lock and a COMPLIANCE default retention of 365 days", () => {
        const b = one(plan, "aws:s3/bucket:Bucket", "org-trail-bucket");
        assert.strictEqual(b.props.objectLockEnabled, true);
        const lock = one(
            plan,
            "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration",
            "org-trail-bucket-object-lock",
        );
        assert.strictEqual(lock.accountId, LOG_ARCHIVE);
        assert.strictEqual(lock.props.bucket, bucket);
        assert.strictEqual(lock.props.objectLockEnabled, "Enabled");
        assert.deepStrictEqual(lock.props.rule, {
            defaultRetention: { mode: "COMPLIANCE", days: 365 },
        });
    });

    it("is held to Object Lock by the committed policy-pack config", () => {
        const config = loadPackConfig(DEFAULT_POLICY_CONFIG);
        const lockViolations = (resources: PlannedResource[]) =>
            checkResources(resources, config)
                .filter((v) => v.policy === "s3-log-bucket-protected")
                .map((v) => [v.enforcementLevel, v.message]);
        assert.deepStrictEqual(lockViolations(plan.resources), []);
        // The same plan without Object Lock (no bucket flag, no lock configuration) is refused.
        const unlocked = plan.resources
            .filter(
                (r) =>
                    r.type !== "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration",
            )
            .map((r) =>
                r.type === "aws:s3/bucket:Bucket"
                    ? { ...r, props: { ...r.props, objectLockEnabled: false } }
                    : r,
            );
        assert.deepStrictEqual(lockViolations(unlocked), [
            [
                "mandatory",
                `Log bucket "${bucket}" is not protected: S3 Object Lock is not enabled (set objectLockEnabled: true).`,
            ],
        ]);
    });

    it("takes the retention from trail.objectLockRetentionDays", async () => {
        const root = projectWith({
            workload: {
                securityAccountId: SECURITY,
                workloadAccounts: [{ name: "prod", accountId: PROD }],
            },
        });
        const p = await planSecurity(
            securityValues({ trail: { objectLockRetentionDays: 2555, expirationDays: 2555 } }),
            root,
        );
        assert.deepStrictEqual(
            one(
                p,
                "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration",
                "org-trail-bucket-object-lock",
            ).props.rule,
            { defaultRetention: { mode: "COMPLIANCE", days: 2555 } },
        );
    });

    it("starts the trail only after its bucket policy, Object Lock and CloudWatch Logs delivery policy", () => {
        assert.deepStrictEqual(
            one(plan, "aws:cloudtrail/trail:Trail", "org-trail-trail").options.dependsOn,
            [
                "org-trail-bucket-object-lock",
                "org-trail-bucket-policy",
                "org-trail-cloudwatch-delivery",
            ],
        );
        // Input dependencies are not dependsOn: the alias waits for its key through targetKeyId.
        assert.deepStrictEqual(
            one(plan, "aws:kms/alias:Alias", "org-trail-key-alias").options.dependsOn,
            [],
        );
    });

    it("puts the bucket policy last, after every other setting of the bucket", () => {
        assert.deepStrictEqual(
            one(plan, "aws:s3/bucketPolicy:BucketPolicy", "org-trail-bucket-policy").options
                .dependsOn,
            [
                "org-trail-bucket-encryption",
                "org-trail-bucket-lifecycle",
                "org-trail-bucket-object-lock",
                "org-trail-bucket-ownership",
                "org-trail-bucket-public-access-block",
                "org-trail-bucket-versioning",
            ],
        );
    });

    it("encrypts the log group with a rotating key in the management account that only CloudWatch Logs may use, for this group", () => {
        const group = one(plan, "aws:cloudwatch/logGroup:LogGroup", "org-trail-logs");
        const key = one(plan, "aws:kms/key:Key", "org-trail-logs-key");
        assert.strictEqual(key.accountId, MANAGEMENT);
        assert.strictEqual(key.props.enableKeyRotation, true);
        assert.strictEqual(
            group.props.kmsKeyId,
            `arn:aws:kms:us-east-1:${MANAGEMENT}:key/${key.id}`,
        );
        const groupArn = `arn:aws:logs:us-east-1:${MANAGEMENT}:log-group:/org-access/cloudtrail/org-access`;
        assert.deepStrictEqual(statement(key.props.policy, "CloudWatchLogsForThisLogGroup"), {
            Sid: "CloudWatchLogsForThisLogGroup",
            Effect: "Allow",
            Principal: { Service: "logs.us-east-1.amazonaws.com" },
            Action: [
                "kms:Decrypt*",
                "kms:Describe*",
                "kms:Encrypt*",
                "kms:GenerateDataKey*",
                "kms:ReEncrypt*",
            ],
            Resource: "*",
            Condition: { ArnEquals: { "kms:EncryptionContext:aws:logs:arn": groupArn } },
        });
        assert.deepStrictEqual(
            statement(key.props.policy, "ManagementAccountAdministers").Principal,
            { AWS: `arn:aws:iam::${MANAGEMENT}:root` },
        );
        // Simulated: the service may encrypt for this group only, never for another one.
        const policy = parsePolicyDocument(key.props.policy, "resource");
        const logs = { type: "service" as const, service: "logs.us-east-1.amazonaws.com" };
        const asLogs = (arn: string) =>
            evaluateRequest(policy, {
                principal: logs,
                action: "kms:GenerateDataKey",
                resource: `arn:aws:kms:us-east-1:${MANAGEMENT}:key/${key.id}`,
                context: { "kms:EncryptionContext:aws:logs:arn": arn },
            }).decision;
        assert.strictEqual(asLogs(groupArn), "Allow");
        assert.strictEqual(asLogs(`${groupArn}-other`), "ImplicitDeny");
        assert.strictEqual(
            asLogs(`arn:aws:logs:us-east-1:${PROD}:log-group:/org-access/cloudtrail/org-access`),
            "ImplicitDeny",
        );
    });

    it("without break-glass users, has no admin role to defer to and keeps the key's lockout check", () => {
        const key = one(plan, "aws:kms/key:Key", "org-trail-key");
        assert.strictEqual(key.props.bypassPolicyLockoutSafetyCheck, false);
        const sids = (v: unknown) => doc(v).Statement.map((s) => s.Sid);
        assert.ok(!sids(key.props.policy).includes("OnlyLogArchiveAdminChangesPolicy"));
        assert.ok(
            !sids(
                one(plan, "aws:s3/bucketPolicy:BucketPolicy", "org-trail-bucket-policy").props
                    .policy,
            ).includes("OnlyLogArchiveAdminConfigures"),
        );
    });

    describe("with the log-archive admin role", () => {
        const session = (role: string) =>
            awsPrincipalFromArn(`arn:aws:sts::${LOG_ARCHIVE}:assumed-role/${role}/s`)!;
        /** An IAM policy as generous as an admin's: only the resource policy can stop it. */
        const admin = parsePolicyDocument(
            { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] },
            "identity",
        );

        it("lets only the admin role change the key policy or disable rotation, and nobody delete the key", () => {
            const key = one(adminPlan, "aws:kms/key:Key", "org-trail-key");
            assert.strictEqual(key.props.bypassPolicyLockoutSafetyCheck, true);
            assert.deepStrictEqual(
                statement(key.props.policy, "OnlyLogArchiveAdminChangesPolicy"),
                {
                    Sid: "OnlyLogArchiveAdminChangesPolicy",
                    Effect: "Deny",
                    Principal: "*",
                    // The list the guardrail SCP reserves to the admin role, grants included, and the alias actions.
                    Action: [
                        "kms:CreateGrant",
                        "kms:DisableKeyRotation",
                        "kms:PutKeyPolicy",
                        "kms:DeleteAlias",
                        "kms:UpdateAlias",
                    ],
                    Resource: "*",
                    Condition: { ArnNotEquals: { "aws:PrincipalArn": adminArn } },
                },
            );
            const policy = parsePolicyDocument(key.props.policy, "resource");
            const keyArn = `arn:aws:kms:us-east-1:${LOG_ARCHIVE}:key/${key.id}`;
            const decide = (role: string, action: string) =>
                evaluateRequest([policy, admin], {
                    principal: session(role),
                    action,
                    resource: keyArn,
                }).decision;
            for (const role of ["OrganizationAccountAccessRole", "OrgAccessLogArchiveAdminX"]) {
                for (const action of [
                    "kms:PutKeyPolicy",
                    "kms:CreateGrant",
                    "kms:DisableKeyRotation",
                    "kms:ScheduleKeyDeletion",
                    "kms:DisableKey",
                    // Moving or deleting the alias would take the key from the admin role's grant.
                    "kms:UpdateAlias",
                    "kms:DeleteAlias",
                ])
                    assert.strictEqual(decide(role, action), "ExplicitDeny", `${role} ${action}`);
                // Creating an alias stays open: the deploy role creates the log key's alias.
                assert.strictEqual(decide(role, "kms:CreateAlias"), "Allow", role);
                assert.strictEqual(decide(role, "kms:TagResource"), "Allow", role);
            }
            assert.strictEqual(decide("OrgAccessLogArchiveAdmin", "kms:PutKeyPolicy"), "Allow");
            assert.strictEqual(
                decide("OrgAccessLogArchiveAdmin", "kms:ScheduleKeyDeletion"),
                "ExplicitDeny",
            );
        });

        it("lets only the admin role change the bucket's configuration; log deletion stays denied to all", () => {
            const policyProp = one(
                adminPlan,
                "aws:s3/bucketPolicy:BucketPolicy",
                "org-trail-bucket-policy",
            ).props.policy;
            const only = statement(policyProp, "OnlyLogArchiveAdminConfigures");
            assert.deepStrictEqual(only.Condition, {
                ArnNotEquals: { "aws:PrincipalArn": adminArn },
            });
            assert.deepStrictEqual(only.Resource, `arn:aws:s3:::${bucket}`);
            const policy = parsePolicyDocument(policyProp, "resource");
            const decide = (role: string, action: string, resource = `arn:aws:s3:::${bucket}`) =>
                evaluateRequest([policy, admin], {
                    principal: session(role),
                    action,
                    resource,
                    context: { "aws:SecureTransport": "true" },
                }).decision;
            for (const action of [
                "s3:PutLifecycleConfiguration",
                "s3:PutBucketPolicy",
                "s3:DeleteBucketPolicy",
                "s3:PutBucketObjectLockConfiguration",
                "s3:PutBucketVersioning",
                "s3:PutEncryptionConfiguration",
                "s3:PutBucketPublicAccessBlock",
                "s3:PutBucketOwnershipControls",
            ]) {
                assert.strictEqual(decide("OrganizationAccountAccessRole", action), "ExplicitDeny");
                assert.strictEqual(decide("OrgAccessLogArchiveAdmin", action), "Allow", action);
            }
            for (const role of ["OrganizationAccountAccessRole", "OrgAccessLogArchiveAdmin"])
                assert.strictEqual(
                    decide(role, "s3:DeleteObjectVersion", `arn:aws:s3:::${bucket}/AWSLogs/x`),
                    "ExplicitDeny",
                );
        });

        it("still protects and retains every log-evidence resource", () => {
            assert.deepStrictEqual(unprotectedEvidence(adminPlan, bucket), []);
            assert.deepStrictEqual(
                evidence(adminPlan, bucket)
                    .map((r) => r.name)
                    .sort(),
                EVIDENCE_NAMES,
            );
        });
    });
});

describe("OrgTrail, constructed directly with one provider per account", () => {
    type OrgTrailType = import("../../components/orgTrail").OrgTrail;
    const TYPE = "org-access:logging:OrgTrail";
    let plan: PlanResult;
    let trail: OrgTrailType;
    /** The args the component needs, with the providers it is given. */
    const args = (p: TestProviders) => ({
        managementProvider: p.management,
        logArchiveProvider: p.logArchive,
        organizationId: "o-abcdefghij",
        managementAccountId: MANAGEMENT,
        logArchiveAccountId: LOG_ARCHIVE,
        region: "us-east-1",
        trailName: "audit",
        bucketName: "audit-logs-example",
        logGroupRetentionDays: 365,
        transitionDays: 90,
        storageClass: "GLACIER" as const,
        objectLockRetentionDays: 365,
    });
    before(async () => {
        const { OrgTrail } = await import("../../components/orgTrail");
        plan = await planComponents((_, p) => {
            trail = new OrgTrail("audit", args(p));
        });
    });

    it("parents every resource to the component, the same resources as in the security stack", () => {
        assert.deepStrictEqual(
            childrenOf(plan, TYPE, "audit")
                .map((r) => r.name)
                .sort(),
            EVIDENCE_NAMES.map((n) => n.replace(/^org-trail-/, "audit-")),
        );
    });

    it("puts the key and the bucket in the log-archive account, the trail and its log delivery in the management account", () => {
        const accounts = Object.fromEntries(
            childrenOf(plan, TYPE, "audit").map((r) => [r.name, r.accountId]),
        );
        for (const [name, account] of Object.entries(accounts)) {
            const inArchive = /^audit-(key|key-alias|bucket.*)$/.test(name);
            assert.strictEqual(account, inArchive ? LOG_ARCHIVE : MANAGEMENT, name);
        }
        assert.strictEqual(accounts["audit-trail"], MANAGEMENT);
        assert.strictEqual(accounts["audit-bucket"], LOG_ARCHIVE);
    });

    it("protects and retains every resource, and orders the bucket policy and the trail after what they need", () => {
        for (const r of childrenOf(plan, TYPE, "audit"))
            assert.ok(r.options.protect && r.options.retainOnDelete, r.name);
        assert.deepStrictEqual(
            one(plan, "aws:s3/bucketPolicy:BucketPolicy", "audit-bucket-policy").options.dependsOn,
            [
                "audit-bucket-encryption",
                "audit-bucket-lifecycle",
                "audit-bucket-object-lock",
                "audit-bucket-ownership",
                "audit-bucket-public-access-block",
                "audit-bucket-versioning",
            ],
        );
        assert.deepStrictEqual(
            one(plan, "aws:cloudtrail/trail:Trail", "audit-trail").options.dependsOn,
            ["audit-bucket-object-lock", "audit-bucket-policy", "audit-cloudwatch-delivery"],
        );
    });

    it("without an admin role, keeps KMS's lockout check and sets no expiration", () => {
        const key = one(plan, "aws:kms/key:Key", "audit-key");
        assert.strictEqual(key.props.bypassPolicyLockoutSafetyCheck, false);
        const lifecycle = one(
            plan,
            "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
            "audit-bucket-lifecycle",
        );
        const [rule] = lifecycle.props.rules as Record<string, unknown>[];
        assert.strictEqual(rule.expiration, undefined);
        assert.deepStrictEqual(rule.transitions, [{ days: 90, storageClass: "GLACIER" }]);
    });

    it("exposes the bucket's configuration, its policy and the key as what the SCP must wait for", () => {
        assert.strictEqual(trail.protectedConfiguration.length, 8);
        for (const r of [trail.objectLock, trail.bucketPolicy, trail.key])
            assert.ok(trail.protectedConfiguration.includes(r));
        assert.ok(!trail.protectedConfiguration.includes(trail.bucket));
    });

    it("refuses opts.provider: it spans two accounts and takes a named provider for each", async () => {
        const { OrgTrail } = await import("../../components/orgTrail");
        const e = await rejection(
            planComponents((_, p) => {
                new OrgTrail("audit", args(p), { provider: p.management });
            }),
        );
        assert.match(
            e.message,
            /OrgTrail audit: spans two accounts; give managementProvider and logArchiveProvider in args, not opts.provider/,
        );
    });
});
