import * as assert from "assert";
import * as aws from "@pulumi/aws";
import {
    auditRolePerWorkloadAccount,
    awsProviderAllowedAccounts,
    cloudtrailHardened,
    iamNoEscalationActions,
    iamNoHumanAccessKeys,
    iamNoUserPolicies,
    iamPassRoleScoped,
    iamRoleSessionCap,
    s3LogBucketProtected,
} from "../../policypack/policies";
import {
    ALICE,
    allowAssume,
    assertViolations,
    CI_ROLE,
    Json,
    MFA,
    policyDoc,
    runResourcePolicy,
    runStackPolicy,
    StackResourceSpec,
    WORKLOAD_ACCOUNT,
} from "./helpers";

const PROVIDER = "pulumi:providers:aws";

describe("iam-role-session-cap", () => {
    const role = (principal: unknown, maxSessionDuration?: number): Json => ({
        name: "r",
        assumeRolePolicy: policyDoc(allowAssume(principal, MFA)),
        ...(maxSessionDuration !== undefined ? { maxSessionDuration } : {}),
    });
    it("flags human-assumable roles above the cap", async () => {
        assertViolations(
            await runResourcePolicy(iamRoleSessionCap, aws.iam.Role, role({ AWS: ALICE }, 43200)),
            1,
            "43200",
            "3600",
            "Fix:",
        );
        assertViolations(
            await runResourcePolicy(
                iamRoleSessionCap,
                aws.iam.Role,
                role({ AWS: "222222222222" }, 3601),
            ),
            1,
        );
    });
    it("passes the default, the cap, machine roles and a configured cap", async () => {
        assertViolations(
            await runResourcePolicy(iamRoleSessionCap, aws.iam.Role, role({ AWS: ALICE })),
            0,
        );
        assertViolations(
            await runResourcePolicy(iamRoleSessionCap, aws.iam.Role, role({ AWS: ALICE }, 3600)),
            0,
        );
        assertViolations(
            await runResourcePolicy(iamRoleSessionCap, aws.iam.Role, role({ AWS: CI_ROLE }, 43200)),
            0,
        );
        assertViolations(
            await runResourcePolicy(
                iamRoleSessionCap,
                aws.iam.Role,
                role({ Service: "ec2.amazonaws.com" }, 43200),
            ),
            0,
        );
        assertViolations(
            await runResourcePolicy(iamRoleSessionCap, aws.iam.Role, role({ AWS: ALICE }, 7200), {
                config: { maxSessionSeconds: 7200 },
            }),
            0,
        );
    });
});

describe("iam-no-user-policies", () => {
    it("flags inline and directly attached user policies", async () => {
        const doc = policyDoc({ Effect: "Allow", Action: "s3:ListBucket", Resource: "*" });
        assertViolations(
            await runResourcePolicy(iamNoUserPolicies, aws.iam.UserPolicy, {
                user: "bob",
                policy: doc,
            }),
            1,
            '"bob"',
            "groups",
        );
        assertViolations(
            await runResourcePolicy(iamNoUserPolicies, aws.iam.UserPolicyAttachment, {
                user: "bob",
                policyArn: "arn:aws:iam::aws:policy/ReadOnlyAccess",
            }),
            1,
        );
        assertViolations(
            await runResourcePolicy(iamNoUserPolicies, aws.iam.PolicyAttachment, {
                policyArn: "x",
                users: ["bob"],
                groups: ["ops"],
            }),
            1,
            '"bob"',
        );
        assertViolations(
            await runResourcePolicy(iamNoUserPolicies, aws.iam.UserPolicyAttachmentsExclusive, {
                userName: "bob",
                policyArns: ["x"],
            }),
            1,
        );
    });
    it("passes group policies, group-only attachments and empty exclusive lists", async () => {
        assertViolations(
            await runResourcePolicy(iamNoUserPolicies, aws.iam.PolicyAttachment, {
                policyArn: "x",
                groups: ["ops"],
            }),
            0,
        );
        assertViolations(
            await runResourcePolicy(iamNoUserPolicies, aws.iam.UserPolicyAttachmentsExclusive, {
                userName: "bob",
                policyArns: [],
            }),
            0,
        );
        assert.ok(
            (
                await runResourcePolicy(iamNoUserPolicies, aws.iam.GroupPolicy, {
                    group: "ops",
                    policy: "{}",
                })
            ).notApplicable,
        );
    });
});

describe("iam-passrole-scoped (advisory)", () => {
    it("flags PassRole on every role, passes named roles", async () => {
        const any = policyDoc({
            Effect: "Allow",
            Action: "iam:PassRole",
            Resource: "arn:aws:iam::123456789012:role/*",
        });
        assertViolations(
            await runResourcePolicy(iamPassRoleScoped, aws.iam.Policy, { policy: any }),
            1,
            "iam:PassRole",
            "iam:PassedToService",
        );
        const named = policyDoc({
            Effect: "Allow",
            Action: "iam:PassRole",
            Resource: "arn:aws:iam::123456789012:role/app",
        });
        assertViolations(
            await runResourcePolicy(iamPassRoleScoped, aws.iam.GroupPolicy, {
                group: "g",
                policy: named,
            }),
            0,
        );
    });
});

describe("iam-no-escalation-actions (advisory)", () => {
    it("flags single-action escalations on every resource", async () => {
        const doc = policyDoc({
            Effect: "Allow",
            Action: ["lambda:UpdateFunctionCode", "s3:GetObject"],
            Resource: "*",
        });
        assertViolations(
            await runResourcePolicy(iamNoEscalationActions, aws.iam.RolePolicy, {
                role: "ci",
                policy: doc,
            }),
            1,
            "lambda:UpdateFunctionCode",
        );
        const assume = policyDoc({ Effect: "Allow", Action: "sts:AssumeRole", Resource: "*" });
        assertViolations(
            await runResourcePolicy(iamNoEscalationActions, aws.iam.GroupPolicy, {
                group: "g",
                policy: assume,
            }),
            1,
            "sts:AssumeRole",
        );
    });
    it("passes scoped grants and honours the configured list", async () => {
        const scoped = policyDoc({
            Effect: "Allow",
            Action: "lambda:UpdateFunctionCode",
            Resource: "arn:aws:lambda:us-east-1:123456789012:function:app",
        });
        assertViolations(
            await runResourcePolicy(iamNoEscalationActions, aws.iam.RolePolicy, {
                role: "ci",
                policy: scoped,
            }),
            0,
        );
        const doc = policyDoc({
            Effect: "Allow",
            Action: "lambda:UpdateFunctionCode",
            Resource: "*",
        });
        assertViolations(
            await runResourcePolicy(
                iamNoEscalationActions,
                aws.iam.RolePolicy,
                { role: "ci", policy: doc },
                { config: { actions: ["ssm:SendCommand"] } },
            ),
            0,
        );
    });
});

describe("cloudtrail-hardened", () => {
    const good = {
        name: "org",
        s3BucketName: "logs",
        isMultiRegionTrail: true,
        includeGlobalServiceEvents: true,
        enableLogFileValidation: true,
        kmsKeyId: "arn:aws:kms:us-east-1:1:key/k",
        isOrganizationTrail: true,
        cloudWatchLogsGroupArn: "g",
        cloudWatchLogsRoleArn: "r",
    };
    it("passes a hardened trail", async () => {
        assertViolations(
            await runResourcePolicy(cloudtrailHardened, aws.cloudtrail.Trail, good, {
                config: { requireCloudWatchLogs: true, requireOrganizationTrail: true },
            }),
            0,
        );
    });
    const bad: Array<[string, Json, string]> = [
        ["single-region", { isMultiRegionTrail: false }, "isMultiRegionTrail"],
        ["no global events", { includeGlobalServiceEvents: false }, "includeGlobalServiceEvents"],
        ["no log validation", { enableLogFileValidation: undefined }, "enableLogFileValidation"],
        ["no KMS", { kmsKeyId: "" }, "kmsKeyId"],
        ["logging off", { enableLogging: false }, "enableLogging"],
    ];
    for (const [what, change, fragment] of bad) {
        it(`flags ${what}`, async () => {
            assertViolations(
                await runResourcePolicy(cloudtrailHardened, aws.cloudtrail.Trail, {
                    ...good,
                    ...change,
                }),
                1,
                fragment,
                '"org"',
            );
        });
    }
    it("flags missing CloudWatch Logs and organization trail only when configured", async () => {
        const plain = { ...good, isOrganizationTrail: false, cloudWatchLogsGroupArn: undefined };
        assertViolations(
            await runResourcePolicy(cloudtrailHardened, aws.cloudtrail.Trail, plain),
            0,
        );
        assertViolations(
            await runResourcePolicy(cloudtrailHardened, aws.cloudtrail.Trail, plain, {
                config: { requireCloudWatchLogs: true, requireOrganizationTrail: true },
            }),
            1,
            "CloudWatch",
            "organization",
        );
    });
});

describe("s3-log-bucket-protected", () => {
    const tls = {
        Sid: "DenyInsecureTransport",
        Effect: "Deny",
        Principal: "*",
        Action: "s3:*",
        Resource: ["arn:aws:s3:::org-logs", "arn:aws:s3:::org-logs/*"],
        Condition: { Bool: { "aws:SecureTransport": "false" } },
    };
    const cloudtrailWrite = {
        Effect: "Allow",
        Principal: { Service: "cloudtrail.amazonaws.com" },
        Action: "s3:PutObject",
        Resource: "arn:aws:s3:::org-logs/AWSLogs/*",
        Condition: {
            StringEquals: {
                "aws:SourceArn": "arn:aws:cloudtrail:us-east-1:111111111111:trail/org",
            },
        },
    };
    const full = (): StackResourceSpec[] => [
        { type: aws.s3.Bucket, name: "logs", props: { bucket: "org-logs" } },
        {
            type: aws.s3.BucketPolicy,
            name: "logs-policy",
            props: { bucket: "org-logs", policy: policyDoc(tls, cloudtrailWrite) },
        },
        {
            type: aws.s3.BucketPublicAccessBlock,
            name: "logs-pab",
            props: {
                bucket: "org-logs",
                blockPublicAcls: true,
                blockPublicPolicy: true,
                ignorePublicAcls: true,
                restrictPublicBuckets: true,
            },
        },
        {
            type: aws.s3.BucketVersioning,
            name: "logs-versioning",
            props: { bucket: "org-logs", versioningConfiguration: { status: "Enabled" } },
        },
    ];
    it("passes a protected log bucket", async () => {
        assertViolations(await runStackPolicy(s3LogBucketProtected, full()), 0);
    });
    it("detects log buckets by their bucket policy and flags each missing protection", async () => {
        const noPab = full().filter((r) => r.name !== "logs-pab");
        assertViolations(
            await runStackPolicy(s3LogBucketProtected, noPab),
            1,
            "public access block",
        );
        const noVersioning = full().filter((r) => r.name !== "logs-versioning");
        assertViolations(await runStackPolicy(s3LogBucketProtected, noVersioning), 1, "versioning");
        const noTls = full().map((r) =>
            r.name === "logs-policy"
                ? { ...r, props: { bucket: "org-logs", policy: policyDoc(cloudtrailWrite) } }
                : r,
        );
        assertViolations(await runStackPolicy(s3LogBucketProtected, noTls), 1, "plain-HTTP");
        const ifExistsTls = full().map((r) =>
            r.name === "logs-policy"
                ? {
                      ...r,
                      props: {
                          bucket: "org-logs",
                          policy: policyDoc(
                              {
                                  ...tls,
                                  Condition: { Bool: { "aws:SecureTransport": "true" } },
                                  Effect: "Allow",
                              },
                              cloudtrailWrite,
                          ),
                      },
                  }
                : r,
        );
        assertViolations(await runStackPolicy(s3LogBucketProtected, ifExistsTls), 1, "plain-HTTP");
    });
    it("detects log buckets named by a trail, and ignores other buckets", async () => {
        const r = await runStackPolicy(s3LogBucketProtected, [
            { type: aws.s3.Bucket, name: "trail-bucket", props: { bucket: "t-logs" } },
            { type: aws.cloudtrail.Trail, name: "trail", props: { s3BucketName: "t-logs" } },
            { type: aws.s3.Bucket, name: "assets", props: { bucket: "assets" } },
        ]);
        assertViolations(r, 1, '"t-logs"');
        assert.ok(r.violations[0].urn?.endsWith("::trail-bucket"));
    });
    it("accepts an account-level public access block and object lock", async () => {
        const specs = full().filter((r) => r.name !== "logs-pab" && r.name !== "logs-versioning");
        specs.push({
            type: aws.s3.AccountPublicAccessBlock,
            name: "account-pab",
            props: {
                blockPublicAcls: true,
                blockPublicPolicy: true,
                ignorePublicAcls: true,
                restrictPublicBuckets: true,
            },
        });
        specs[0] = { ...specs[0], props: { bucket: "org-logs", objectLockEnabled: true } };
        assertViolations(
            await runStackPolicy(s3LogBucketProtected, specs, { requireObjectLock: true }),
            0,
        );
    });
});

describe("iam-no-human-access-keys", () => {
    it("flags access keys of users with a login profile or a human tag", async () => {
        const r = await runStackPolicy(iamNoHumanAccessKeys, [
            { type: aws.iam.User, name: "alice", props: { name: "alice" } },
            { type: aws.iam.UserLoginProfile, name: "alice-login", props: { user: "alice" } },
            { type: aws.iam.AccessKey, name: "alice-key", props: { user: "alice" } },
            {
                type: aws.iam.User,
                name: "bob",
                props: { name: "bob", tags: { "org-access:principal-type": "human" } },
            },
            { type: aws.iam.AccessKey, name: "bob-key", props: { user: "bob" } },
            {
                type: aws.iam.User,
                name: "reporter",
                props: { name: "reporter", tags: { "org-access:principal-type": "reporter" } },
            },
            { type: aws.iam.AccessKey, name: "reporter-key", props: { user: "reporter" } },
        ]);
        assertViolations(r, 2, "human", "Fix:");
        assert.deepStrictEqual(
            r.violations.map((v) => v.urn?.split("::").pop()),
            ["alice-key", "bob-key"],
        );
    });
});

describe("aws-provider-allowed-accounts", () => {
    const provider = (name: string, props: Json): StackResourceSpec => ({
        type: PROVIDER,
        name,
        props,
    });
    it("flags providers without one pinned account, including JSON-encoded inputs", async () => {
        const r = await runStackPolicy(awsProviderAllowedAccounts, [
            provider("ok", { allowedAccountIds: [WORKLOAD_ACCOUNT] }),
            provider("ok-json", { allowedAccountIds: JSON.stringify([WORKLOAD_ACCOUNT]) }),
            provider("none", { region: "us-east-1" }),
            provider("two", { allowedAccountIds: [WORKLOAD_ACCOUNT, "444444444444"] }),
            provider("bad", { allowedAccountIds: ["12345"] }),
        ]);
        assertViolations(r, 3, "Fix:");
        assert.deepStrictEqual(
            r.violations.map((v) => v.urn?.split("::").pop()),
            ["none", "two", "bad"],
        );
    });
    it("checks default providers attached to resources", async () => {
        const r = await runStackPolicy(awsProviderAllowedAccounts, [
            {
                type: aws.s3.Bucket,
                name: "b",
                props: {},
                provider: {
                    type: PROVIDER,
                    name: "default_7_48_0",
                    props: { region: "us-east-1" },
                },
            },
        ]);
        assertViolations(r, 1, "default_7_48_0");
    });
    it("can require an assumed role", async () => {
        const specs = [
            provider("p", { allowedAccountIds: [WORKLOAD_ACCOUNT] }),
            provider("q", {
                allowedAccountIds: [WORKLOAD_ACCOUNT],
                assumeRoles: JSON.stringify([
                    { roleArn: `arn:aws:iam::${WORKLOAD_ACCOUNT}:role/deploy` },
                ]),
            }),
        ];
        assertViolations(
            await runStackPolicy(awsProviderAllowedAccounts, specs, { requireAssumeRole: true }),
            1,
            "assumeRoles",
        );
    });
});

describe("audit-role-per-workload-account", () => {
    const pinned = (account: string) => ({
        type: PROVIDER,
        name: `p-${account}`,
        props: { allowedAccountIds: [account] },
    });
    const config = { workloadAccountIds: [WORKLOAD_ACCOUNT, "444444444444"] };
    it("passes when each workload account has its audit role inside the component", async () => {
        const specs: StackResourceSpec[] = [];
        for (const a of config.workloadAccountIds) {
            specs.push({ type: "org-access:access:AuditRole", name: `audit-${a}`, props: {} });
            specs.push({
                type: aws.iam.Role,
                name: `audit-${a}-role`,
                props: { name: "SecurityAuditRole" },
                provider: pinned(a),
                parent: `audit-${a}`,
            });
        }
        assertViolations(await runStackPolicy(auditRolePerWorkloadAccount, specs, config), 0);
    });
    it("flags a missing account and a role outside the component", async () => {
        const r = await runStackPolicy(
            auditRolePerWorkloadAccount,
            [
                {
                    type: aws.iam.Role,
                    name: "loose",
                    props: { name: "SecurityAuditRole" },
                    provider: pinned(WORKLOAD_ACCOUNT),
                },
            ],
            config,
        );
        assertViolations(r, 2);
        assert.ok(
            r.violations.some((v) => v.message.includes("444444444444") && v.urn === undefined),
        );
        assert.ok(
            r.violations.some(
                (v) => v.message.includes("not created by") && v.urn?.endsWith("::loose"),
            ),
        );
    });
    it("is not applicable without configured workload accounts", async () => {
        assert.ok((await runStackPolicy(auditRolePerWorkloadAccount, [])).notApplicable);
    });
});
