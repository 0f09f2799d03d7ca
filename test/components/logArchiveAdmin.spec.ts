import * as assert from "assert";
import * as aws from "@pulumi/aws";
import { InputError } from "../../config/errors";
import { accessModel } from "../../evidence/model";
import { LOG_BUCKET_CONFIG_ACTIONS, LOG_KEY_CONFIG_ACTIONS } from "../../components/guardrails";
import { accessGraph } from "../../evidence/report";
import { evidenceMatrix } from "../../evidence/simulate";
import {
    LOG_BUCKET_ADMIN_ACTIONS,
    LOG_KEY_ADMIN_ACTIONS,
    LogArchiveAdminRole,
} from "../../components/logArchiveAdmin";
import { planStack, PlanResult } from "../../plan/run";
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
} from "../helpers";

const ROLE = "aws:iam/role:Role";
const bucket = `org-access-trail-${LOG_ARCHIVE}-us-east-1`;
const adminArn = `arn:aws:iam::${LOG_ARCHIVE}:role/OrgAccessLogArchiveAdmin`;
const users = ["dana-breakglass", "erin-breakglass"];
const userArns = users.map((u) => `arn:aws:iam::${SECURITY}:user/org-access/break-glass/${u}`);

describe("LogArchiveAdminRole", () => {
    let plan: PlanResult;
    const root = () =>
        projectWith({
            workload: {
                securityAccountId: SECURITY,
                workloadAccounts: [{ name: "prod", accountId: PROD }],
            },
        });
    before(async () => {
        plan = await planSecurity(
            securityValues({
                breakGlass: { users },
                guardrails: { targets: ["r-ab12"] },
            }),
            root(),
        );
    });

    it("is created in the log-archive account, protected, with one-hour sessions", () => {
        const role = one(plan, ROLE, "log-archive-admin-role");
        assert.strictEqual(role.accountId, LOG_ARCHIVE);
        assert.strictEqual(role.props.name, "OrgAccessLogArchiveAdmin");
        assert.strictEqual(role.props.path, "/");
        assert.strictEqual(role.props.maxSessionDuration, 3600);
        assert.strictEqual(role.id, "OrgAccessLogArchiveAdmin");
        assert.strictEqual(role.options.protect, true);
        assert.strictEqual(
            one(plan, "aws:iam/rolePolicy:RolePolicy", "log-archive-admin-policy").options.protect,
            true,
        );
        assert.ok(
            role.urn.includes("::org-access:logging:LogArchiveAdminRole$aws:iam/role:Role::"),
            role.urn,
        );
        assert.strictEqual(plan.outputs.logArchiveAdminRoleArn, adminArn);
    });

    it("trusts exactly the break-glass users' path, with MFA present and at most 15 minutes old", () => {
        const trust = doc(one(plan, ROLE, "log-archive-admin-role").props.assumeRolePolicy);
        assert.deepStrictEqual(trust.Statement, [
            {
                Sid: "BreakGlassUsersWithFreshMfa",
                Effect: "Allow",
                Principal: { AWS: `arn:aws:iam::${SECURITY}:root` },
                Action: "sts:AssumeRole",
                Condition: {
                    ArnLike: {
                        "aws:PrincipalArn": `arn:aws:iam::${SECURITY}:user/org-access/break-glass/*`,
                    },
                    Bool: { "aws:MultiFactorAuthPresent": "true" },
                    NumericLessThan: { "aws:MultiFactorAuthAge": "900" },
                },
            },
        ]);
        // The planned users are exactly the ones under that path.
        assert.deepStrictEqual(
            (plan.outputs.trustedPrincipals as { breakGlassArns: string[] }).breakGlassArns,
            userArns,
        );
        // Simulated: a break-glass user with a fresh MFA sign-in may; without MFA, with an old
        // sign-in, or anyone else (an auditor, a responder, a same-named user elsewhere, a role of
        // the security account, the CI role, a deploy role) may not.
        const policy = parsePolicyDocument(trust, "trust");
        const decide = (arn: string, context: Record<string, string>) =>
            evaluateRequest(policy, {
                principal: awsPrincipalFromArn(arn),
                action: "sts:AssumeRole",
                context,
            }).decision;
        const fresh = { "aws:MultiFactorAuthPresent": "true", "aws:MultiFactorAuthAge": "60" };
        assert.strictEqual(decide(userArns[0], fresh), "Allow");
        assert.strictEqual(decide(userArns[1], fresh), "Allow");
        assert.strictEqual(
            decide(userArns[0], { ...fresh, "aws:MultiFactorAuthAge": "900" }),
            "ImplicitDeny",
        );
        assert.strictEqual(decide(userArns[1], {}), "ImplicitDeny");
        assert.strictEqual(
            decide(userArns[1], { "aws:MultiFactorAuthPresent": "false" }),
            "ImplicitDeny",
        );
        for (const other of [
            `arn:aws:iam::${SECURITY}:user/org-access/alice`,
            `arn:aws:iam::${SECURITY}:user/org-access/dana-breakglass`,
            `arn:aws:iam::${SECURITY}:user/break-glass/dana-breakglass`,
            `arn:aws:iam::${SECURITY}:user/org-access/break-glassy/mallory`,
            `arn:aws:iam::${SECURITY}:role/org-access/break-glass/impostor`,
            `arn:aws:iam::${PROD}:user/org-access/break-glass/dana-breakglass`,
            `arn:aws:iam::${MANAGEMENT}:role/org-access-github-deploy`,
            `arn:aws:iam::${LOG_ARCHIVE}:role/OrganizationAccountAccessRole`,
            `arn:aws:iam::${MANAGEMENT}:root`,
        ])
            assert.strictEqual(decide(other, fresh), "ImplicitDeny", other);
    });

    it("keeps its trust policy when the break-glass users change, so no SCP-refused update is planned", async () => {
        // Once the guardrail SCP is attached, nobody but the role itself may change it: a trust
        // that listed the users would make every change of breakGlass.users fail in pulumi up.
        const other = await planSecurity(
            securityValues({
                breakGlass: { users: ["frank-breakglass"] },
                guardrails: { targets: ["r-ab12"] },
            }),
            root(),
        );
        const trustOf = (p: PlanResult) =>
            one(p, ROLE, "log-archive-admin-role").props.assumeRolePolicy;
        assert.strictEqual(trustOf(other), trustOf(plan));
        assert.notDeepStrictEqual(
            (other.outputs.trustedPrincipals as { breakGlassArns: string[] }).breakGlassArns,
            (plan.outputs.trustedPrincipals as { breakGlassArns: string[] }).breakGlassArns,
        );
    });

    it("may administer the trail bucket's configuration and the log key's policy, nothing else", () => {
        const policy = doc(
            one(plan, "aws:iam/rolePolicy:RolePolicy", "log-archive-admin-policy").props.policy,
        );
        const key = one(plan, "aws:kms/key:Key", "org-trail-key");
        const keyArn = `arn:aws:kms:us-east-1:${LOG_ARCHIVE}:key/${key.id}`;
        const alias = one(plan, "aws:kms/alias:Alias", "org-trail-key-alias").props.name;
        assert.strictEqual(alias, "alias/org-access/org-access");
        assert.deepStrictEqual(policy.Statement, [
            {
                Sid: "AdministerTrailBucketConfiguration",
                Effect: "Allow",
                Action: LOG_BUCKET_ADMIN_ACTIONS,
                Resource: `arn:aws:s3:::${bucket}`,
            },
            {
                Sid: "AdministerLogKeyPolicyAndRotation",
                Effect: "Allow",
                Action: LOG_KEY_ADMIN_ACTIONS,
                // The key by its alias: its ARN is unknown until it exists (first preview).
                Resource: `arn:aws:kms:us-east-1:${LOG_ARCHIVE}:key/*`,
                Condition: { "ForAnyValue:StringEquals": { "kms:ResourceAliases": alias } },
            },
        ]);
        const parsed = parsePolicyDocument(policy, "identity");
        // KMS puts the aliases of the key a request names in kms:ResourceAliases.
        const aliasesOf = (resource: string) =>
            resource === keyArn ? [String(alias)] : resource.includes(":key/") ? [] : undefined;
        const decide = (action: string, resource: string, aliases = aliasesOf(resource)) =>
            evaluateRequest(parsed, {
                principal: awsPrincipalFromArn(
                    `arn:aws:sts::${LOG_ARCHIVE}:assumed-role/OrgAccessLogArchiveAdmin/dana`,
                ),
                action,
                resource,
                ...(aliases ? { context: { "kms:ResourceAliases": aliases } } : {}),
            }).decision;
        for (const action of [
            "s3:PutLifecycleConfiguration",
            "s3:PutBucketPolicy",
            "s3:PutBucketObjectLockConfiguration",
            "s3:PutBucketVersioning",
            "s3:PutEncryptionConfiguration",
            "s3:PutBucketPublicAccessBlock",
            "s3:PutBucketOwnershipControls",
        ])
            assert.strictEqual(decide(action, `arn:aws:s3:::${bucket}`), "Allow", action);
        for (const action of ["kms:PutKeyPolicy", "kms:EnableKeyRotation", "kms:GetKeyPolicy"])
            assert.strictEqual(decide(action, keyArn), "Allow", action);
        // Not objects, not another bucket or key, not key deletion, not IAM.
        for (const [action, resource] of [
            ["s3:DeleteObjectVersion", `arn:aws:s3:::${bucket}/AWSLogs/x`],
            ["s3:GetObject", `arn:aws:s3:::${bucket}/AWSLogs/x`],
            ["s3:PutObjectRetention", `arn:aws:s3:::${bucket}/AWSLogs/x`],
            ["s3:BypassGovernanceRetention", `arn:aws:s3:::${bucket}/AWSLogs/x`],
            ["s3:DeleteBucket", `arn:aws:s3:::${bucket}`],
            ["s3:PutBucketPolicy", `arn:aws:s3:::${bucket}-other`],
            ["kms:PutKeyPolicy", `arn:aws:kms:us-east-1:${LOG_ARCHIVE}:key/other`],
            ["kms:PutKeyPolicy", `arn:aws:kms:us-east-1:${PROD}:key/${key.id}`],
            ["kms:ScheduleKeyDeletion", keyArn],
            ["kms:DisableKeyRotation", keyArn],
            ["kms:Decrypt", keyArn],
            ["iam:UpdateAssumeRolePolicy", adminArn],
        ])
            assert.strictEqual(decide(action, resource), "ImplicitDeny", `${action} ${resource}`);
        // Another key of the account, even with other aliases or an alias that only starts alike.
        for (const aliases of [["alias/other"], [`${alias}-logs`], []])
            assert.strictEqual(
                decide("kms:PutKeyPolicy", `arn:aws:kms:us-east-1:${LOG_ARCHIVE}:key/k2`, aliases),
                "ImplicitDeny",
                aliases.join(),
            );
    });

    it("finds the log key by its alias as AWS does (cross-checked with @cloud-copilot/iam-simulate)", async () => {
        const { runSimulation } = await import("@cloud-copilot/iam-simulate");
        const policy = JSON.parse(
            String(
                one(plan, "aws:iam/rolePolicy:RolePolicy", "log-archive-admin-policy").props.policy,
            ),
        );
        const alias = String(one(plan, "aws:kms/alias:Alias", "org-trail-key-alias").props.name);
        const parsed = parsePolicyDocument(policy, "identity");
        // The key policy delegates to IAM (its account statement), so the role's policy decides.
        const keyPolicy = {
            Version: "2012-10-17",
            Statement: [
                {
                    Effect: "Allow",
                    Principal: { AWS: `arn:aws:iam::${LOG_ARCHIVE}:root` },
                    Action: "kms:*",
                    Resource: "*",
                },
            ],
        };
        const principal = `arn:aws:sts::${LOG_ARCHIVE}:assumed-role/OrgAccessLogArchiveAdmin/dana`;
        const key = `arn:aws:kms:us-east-1:${LOG_ARCHIVE}:key/k1`;
        const cases: Array<[string, string[] | undefined, boolean]> = [
            ["kms:PutKeyPolicy", [alias], true],
            ["kms:EnableKeyRotation", ["alias/other", alias], true],
            ["kms:PutKeyPolicy", ["alias/other"], false],
            ["kms:PutKeyPolicy", [`${alias}-logs`], false],
            ["kms:PutKeyPolicy", [], false],
            ["kms:PutKeyPolicy", undefined, false],
            ["kms:ScheduleKeyDeletion", [alias], false],
        ];
        for (const [action, aliases, expected] of cases) {
            const context: Record<string, string[]> = aliases
                ? { "kms:ResourceAliases": aliases }
                : {};
            const ours = evaluateRequest(parsed, {
                principal: awsPrincipalFromArn(principal),
                action,
                resource: key,
                context,
            }).decision;
            const oracle = await runSimulation(
                {
                    request: {
                        principal,
                        action,
                        resource: { resource: key, accountId: LOG_ARCHIVE },
                        contextVariables: {
                            ...context,
                            "aws:PrincipalArn": adminArn,
                            "aws:PrincipalAccount": LOG_ARCHIVE,
                        },
                    },
                    identityPolicies: [{ name: "administer-log-archive", policy }],
                    serviceControlPolicies: [],
                    resourceControlPolicies: [],
                    resourcePolicy: keyPolicy,
                },
                {},
            );
            const what = `${action} with aliases ${JSON.stringify(aliases)}`;
            assert.strictEqual(oracle.resultType === "error", false, what);
            assert.strictEqual(ours === "Allow", expected, `ours: ${what}`);
            assert.strictEqual(
                (oracle as { overallResult?: string }).overallResult === "Allowed",
                expected,
                `iam-simulate: ${what}`,
            );
        }
    });

    it("is granted only changes that everyone else is denied: its grants and the reserved actions are one set", () => {
        // A change the admin role may make but nobody is denied would not need the admin role; the
        // reserved lists (SCP and bucket/key policies) must cover every change it is granted.
        // Reads, and turning rotation on, weaken nothing and are not reserved.
        const weakening = (a: string) => !/^(s3:Get|kms:(Describe|Get|Enable))/.test(a);
        for (const action of LOG_BUCKET_ADMIN_ACTIONS.filter(weakening))
            assert.ok(LOG_BUCKET_CONFIG_ACTIONS.includes(action), action);
        for (const action of LOG_KEY_ADMIN_ACTIONS.filter(weakening))
            assert.ok(LOG_KEY_CONFIG_ACTIONS.includes(action), action);
        assert.ok(LOG_BUCKET_ADMIN_ACTIONS.filter(weakening).length >= 7);
        assert.ok(LOG_KEY_ADMIN_ACTIONS.filter(weakening).includes("kms:PutKeyPolicy"));
    });

    it("is one of the roles the break-glass group may assume, with the same fresh MFA", () => {
        const assume = doc(
            one(plan, "aws:iam/groupPolicy:GroupPolicy", "break-glass-assume").props.policy,
        ).Statement[0];
        // The admin role's path and name, in the organization only (components/orgGrants.ts).
        const byName = adminArn.replace(/^(arn:[^:]+:iam::)\d{12}:/, "$1*:");
        assert.ok(assume.Resource.includes(byName), JSON.stringify(assume.Resource));
        assert.deepStrictEqual(assume.Condition, {
            StringEquals: { "aws:ResourceOrgID": "o-abcdefghij" },
            Bool: { "aws:MultiFactorAuthPresent": "true" },
            NumericLessThan: { "aws:MultiFactorAuthAge": "900" },
        });
        // No other group may assume it.
        for (const p of ofType(plan, "aws:iam/groupPolicy:GroupPolicy").filter(
            (x) => x.name !== "break-glass-assume",
        ))
            assert.ok(!String(p.props.policy).includes("OrgAccessLogArchiveAdmin"), p.name);
    });

    it("is created, with the bucket and key settings, before any SCP that reserves them to it attaches", () => {
        // On a first deploy the log-archive deploy role creates all of these; once an SCP that
        // exempts only the admin role is attached, it no longer could.
        const reserving = ofType(plan, "aws:organizations/policy:Policy").filter(
            (p) =>
                String(p.props.content).includes(bucket) ||
                String(p.props.content).includes("OrgAccessLogArchiveAdmin"),
        );
        assert.ok(reserving.length >= 1);
        const attachments = ofType(
            plan,
            "aws:organizations/policyAttachment:PolicyAttachment",
        ).filter((a) => reserving.some((p) => p.id === a.props.policyId));
        assert.ok(attachments.length >= 1);
        for (const a of attachments)
            assert.deepStrictEqual(a.options.dependsOn, [
                "log-archive-admin-policy",
                "log-archive-admin-role",
                "org-trail-bucket-encryption",
                "org-trail-bucket-lifecycle",
                "org-trail-bucket-object-lock",
                "org-trail-bucket-ownership",
                "org-trail-bucket-policy",
                "org-trail-bucket-public-access-block",
                "org-trail-bucket-versioning",
                "org-trail-key",
            ]);
    });

    it("shows in the evidence matrix: break-glass users with fresh MFA only, no IAM write, no data read", () => {
        const entries = evidenceMatrix(accessModel({ stack: plan, security: plan })).filter(
            (e) => e.role === "OrgAccessLogArchiveAdmin",
        );
        assert.deepStrictEqual(
            entries.map((e) => [e.accountId, e.scenario, e.expected, e.simulated]),
            [
                [LOG_ARCHIVE, "assume-without-mfa", "denied", "denied"],
                [LOG_ARCHIVE, "assume-with-mfa", "allowed", "allowed"],
                [LOG_ARCHIVE, "assume-with-stale-mfa", "denied", "denied"],
                [LOG_ARCHIVE, "assume-from-outside-account", "denied", "denied"],
                [LOG_ARCHIVE, "assume-undesignated-principal", "denied", "denied"],
                [LOG_ARCHIVE, "assume-by-other-duty", "denied", "denied"],
                [LOG_ARCHIVE, "iam-write", "denied", "denied"],
                [LOG_ARCHIVE, "admin-write", "denied", "denied"],
                [LOG_ARCHIVE, "data-read-s3", "denied", "denied"],
            ],
        );
        // Allowed on both sides: the trust policy and the break-glass group's own grant.
        const allowed = entries.find((e) => e.scenario === "assume-with-mfa")!;
        assert.match(allowed.reason, /BreakGlassUsersWithFreshMfa/);
        assert.match(allowed.reason, /AssumeBreakGlassRolesWithMfa/);
    });

    it("shows in the access graph with an edge from each break-glass user and from nobody else", () => {
        // The trust names the break-glass path, not the users: the graph asks the evaluator who
        // gets in, rather than looking for the user's ARN in the Principal element.
        const graph = accessGraph(accessModel({ stack: plan, security: plan }));
        const edges = graph.split("\n").filter((l) => l.includes("-->"));
        const intoAdmin = edges.filter((l) =>
            l.endsWith(`r_arn_aws_iam__${LOG_ARCHIVE}_role_OrgAccessLogArchiveAdmin`),
        );
        const from = (user: string) =>
            `p_arn_aws_iam__${SECURITY}_user_org_access_break_glass_${user.replace(/-/g, "_")} `;
        assert.strictEqual(intoAdmin.length, users.length, graph);
        for (const user of users)
            assert.ok(
                intoAdmin.some((l) => l.trimStart().startsWith(from(user))),
                `${user}: ${graph}`,
            );
        for (const l of intoAdmin) assert.match(l, /MFA, MFA age < 900 s/);
    });

    it("is not created without break-glass users, and nothing refers to it then", async () => {
        const p = await planSecurity(securityValues(), root());
        assert.deepStrictEqual(
            ofType(p, ROLE).filter((r) => r.props.name === "OrgAccessLogArchiveAdmin"),
            [],
        );
        assert.strictEqual(p.outputs.logArchiveAdminRoleArn, undefined);
        // No grant, trust, bucket or key policy names it (an alarm on its use may).
        for (const r of p.resources.filter((x) => /^aws:(iam|s3|kms)\//.test(x.type)))
            assert.ok(!JSON.stringify(r.props).includes("OrgAccessLogArchiveAdmin"), r.name);
    });

    it("refuses a trust policy for the root path, a path with wildcards or a malformed account", async () => {
        for (const [account, path, problem] of [
            [SECURITY, "/", 'break-glass user path "/" must be an IAM path below "/"'],
            [SECURITY, "/org-access/*/", 'break-glass user path "/org-access/*/"'],
            [SECURITY, "/org?access/", 'break-glass user path "/org?access/"'],
            [
                SECURITY,
                "org-access/break-glass/",
                'break-glass user path "org-access/break-glass/"',
            ],
            [
                SECURITY,
                "/org-access/break-glass",
                'break-glass user path "/org-access/break-glass"',
            ],
            ["12345", "/org-access/break-glass/", 'security account "12345"'],
        ] as const) {
            const e = await rejection(
                planStack({
                    stack: "security",
                    stackFile: stackFileOf({}),
                    build: () => {
                        const provider = new aws.Provider("log-archive", {
                            region: "us-east-1",
                            allowedAccountIds: [LOG_ARCHIVE],
                        });
                        return {
                            arn: new LogArchiveAdminRole(
                                "admin",
                                {
                                    trustedAccountId: account,
                                    breakGlassUserPath: path,
                                    bucketName: bucket,
                                    key: {
                                        region: "us-east-1",
                                        accountId: LOG_ARCHIVE,
                                        aliasName: "alias/org-access/org-access",
                                    },
                                },
                                { provider },
                            ).roleArn,
                        };
                    },
                }),
            );
            assert.ok(e instanceof InputError, String(e));
            assert.ok(
                e.message.includes("LogArchiveAdminRole admin: refusing to create a trust policy"),
                e.message,
            );
            assert.ok(e.message.includes(problem), e.message);
        }
    });

    it("needs a provider for the log-archive account", () => {
        assert.throws(
            () =>
                new LogArchiveAdminRole(
                    "admin",
                    {
                        trustedAccountId: SECURITY,
                        breakGlassUserPath: "/org-access/break-glass/",
                        bucketName: bucket,
                        key: {
                            region: "us-east-1",
                            accountId: LOG_ARCHIVE,
                            aliasName: "alias/org-access/org-access",
                        },
                    },
                    {},
                ),
            /LogArchiveAdminRole admin: a provider for the log-archive account is required/,
        );
    });
});
