import * as assert from "assert";
import { PlanResult } from "../../plan/run";
import {
    doc,
    LOG_ARCHIVE,
    MANAGEMENT,
    one,
    ofType,
    planSecurity,
    PROD,
    projectWith,
    SECURITY,
    securityValues,
    statement,
} from "../helpers";

describe("OrgTrail", () => {
    let plan: PlanResult;
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

    it("protects and retains the bucket, the key and the log group, so no mistake or destroy loses logs", () => {
        for (const [type, name] of [
            ["aws:s3/bucket:Bucket", "org-trail-bucket"],
            ["aws:kms/key:Key", "org-trail-key"],
            ["aws:cloudwatch/logGroup:LogGroup", "org-trail-logs"],
        ]) {
            const r = one(plan, type, name);
            assert.strictEqual(r.options.protect, true, `${name} protect`);
            assert.strictEqual(r.options.retainOnDelete, true, `${name} retainOnDelete`);
        }
        assert.strictEqual(
            one(plan, "aws:s3/bucket:Bucket", "org-trail-bucket").props.forceDestroy,
            false,
        );
        assert.strictEqual(
            one(plan, "aws:kms/key:Key", "org-trail-key").props.deletionWindowInDays,
            30,
        );
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
        for (const s of doc(key.props.policy).Statement) assert.notStrictEqual(s.Principal, "*");
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
        assert.deepStrictEqual(statement(policy, "DenyLogDeletion").Action, [
            "s3:DeleteObject",
            "s3:DeleteObjectVersion",
        ]);
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
});
