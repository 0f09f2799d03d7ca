import * as assert from "assert";
import { regionsOf } from "../../config/regions";
import { ConfigError, validateSecurityConfig } from "../../config";
import {
    GLOBAL_SERVICE_ACTIONS,
    GuardrailPolicyInputs,
    ORGANIZATION_POLICY_TYPES,
    OrganizationPolicyDefinition,
    placeholderKeyArn,
    policySizeProblem,
    policySizeProblems,
    ROLE_CHANGE_ACTIONS,
    SCP_MAX_CHARACTERS,
    scpDefinitions,
} from "../../components/guardrails";
import { PlanResult } from "../../plan/run";
import {
    awsPrincipalFromArn,
    evaluateRequest,
    parsePolicyDocument,
    PolicyDocument,
} from "../../policypack/iam";
import {
    DEV,
    doc,
    LOG_ARCHIVE,
    MANAGEMENT,
    ofType,
    one,
    planSecurity,
    problems,
    PROD,
    projectWith,
    rejection,
    SECURITY,
    securityValues,
    stackFileOf,
    STAGING,
    statement,
} from "../helpers";
import { childrenOf, planComponents } from "../helpers/components";

const workload = {
    securityAccountId: SECURITY,
    workloadAccounts: [
        { name: "prod", accountId: PROD },
        { name: "staging", accountId: STAGING, deployRoleName: "WorkloadDeployer" },
    ],
};
const SCP = "aws:organizations/policy:Policy";
const ATTACHMENT = "aws:organizations/policyAttachment:PolicyAttachment";
/** Guardrails need someone who can assume the log-archive admin role: the break-glass users. */
const BREAK_GLASS = { breakGlass: { users: ["dana"] } };
const role = (account: string, name: string) => `arn:aws:iam::${account}:role/${name}`;
const session = (account: string, name: string) =>
    `arn:aws:sts::${account}:assumed-role/${name}/session`;

/** Every planned SCP, parsed for the project's evaluator. */
function scps(plan: PlanResult): PolicyDocument[] {
    return ofType(plan, SCP).map((p) => parsePolicyDocument(String(p.props.content)));
}

/**
 * Whether the SCPs deny a request of `principal` (an ARN, or an account id for its root user).
 * SCPs only ever deny here: FullAWSAccess allows the rest.
 */
function denied(
    plan: PlanResult,
    principal: string,
    action: string,
    resource = "*",
    context: Record<string, string | string[]> = {},
): boolean {
    const p = awsPrincipalFromArn(principal);
    assert.ok(p, principal);
    // An allowed region unless the test says otherwise, so the region SCP stays out of the way.
    const ctx = { "aws:RequestedRegion": "us-east-1", ...context };
    return (
        evaluateRequest(scps(plan), { principal: p, action, resource, context: ctx }).decision ===
        "ExplicitDeny"
    );
}

describe("Guardrails (service control policies)", () => {
    let plan: PlanResult;
    const bucket = `arn:aws:s3:::org-access-trail-${LOG_ARCHIVE}-us-east-1`;
    const admin = role(LOG_ARCHIVE, "OrgAccessLogArchiveAdmin");
    before(async () => {
        plan = await planSecurity(
            securityValues({
                guardrails: {
                    targets: ["r-ab12", "ou-ab12-cdefgh34"],
                    allowedRegions: ["us-east-1", "eu-west-1"],
                },
                ...BREAK_GLASS,
            }),
            projectWith({ workload }),
        );
    });

    it("creates four SCPs in the management account and attaches at most four of them to any target", () => {
        const scps = ofType(plan, SCP);
        // The plan lists resources as they register: the baseline, which names the log key, after
        // the key, the others at once (their content is known in a first preview). Compare as sets.
        assert.deepStrictEqual(scps.map((p) => [p.props.name, p.props.type, p.accountId]).sort(), [
            ["org-access-baseline", "SERVICE_CONTROL_POLICY", MANAGEMENT],
            ["org-access-no-long-lived-credentials", "SERVICE_CONTROL_POLICY", MANAGEMENT],
            ["org-access-regions", "SERVICE_CONTROL_POLICY", MANAGEMENT],
            ["org-access-roles", "SERVICE_CONTROL_POLICY", MANAGEMENT],
        ]);
        const attached = ofType(plan, ATTACHMENT)
            .map((a) => `${a.name} -> ${String(a.props.targetId)}`)
            .sort();
        assert.deepStrictEqual(attached, [
            "guardrails-baseline-ou-ab12-cdefgh34 -> ou-ab12-cdefgh34",
            "guardrails-baseline-r-ab12 -> r-ab12",
            // Without workloadTargets, the credentials SCP goes to every account of the workload stack files.
            `guardrails-no-long-lived-credentials-${STAGING} -> ${STAGING}`,
            `guardrails-no-long-lived-credentials-${PROD} -> ${PROD}`,
            "guardrails-regions-ou-ab12-cdefgh34 -> ou-ab12-cdefgh34",
            "guardrails-regions-r-ab12 -> r-ab12",
            "guardrails-roles-ou-ab12-cdefgh34 -> ou-ab12-cdefgh34",
            "guardrails-roles-r-ab12 -> r-ab12",
        ]);
        for (const a of ofType(plan, ATTACHMENT)) assert.strictEqual(a.accountId, MANAGEMENT);
        for (const p of ofType(plan, SCP))
            assert.ok(String(p.props.content).length <= SCP_MAX_CHARACTERS);
        // A target that is both a target and a workload target carries all four, plus FullAWSAccess: 5.
        const defs = scpDefinitions(
            { ...guardrailPolicyInputs(), allowedRegions: ["us-east-1"] },
            placeholderKeyArn("aws", "us-east-1", LOG_ARCHIVE),
        );
        assert.strictEqual(defs.length, 4);
    });

    it("denies the root user and leaving the organization, but not centralized root access sessions", () => {
        const content = one(plan, SCP, "guardrails-baseline").props.content;
        assert.deepStrictEqual(statement(content, "DenyRootUser"), {
            Sid: "DenyRootUser",
            Effect: "Deny",
            Action: "*",
            Resource: "*",
            Condition: {
                ArnLike: { "aws:PrincipalArn": "arn:aws:iam::*:root" },
                Null: { "aws:AssumedRoot": "true" },
            },
        });
        assert.deepStrictEqual(statement(content, "DenyLeavingOrganization"), {
            Sid: "DenyLeavingOrganization",
            Effect: "Deny",
            Action: "organizations:LeaveOrganization",
            Resource: "*",
        });
        // The member account's root user, signed in: denied.
        assert.ok(denied(plan, PROD, "s3:DeleteBucketPolicy", "arn:aws:s3:::app-bucket"));
        // An AssumeRoot session (aws:PrincipalArn is the root, aws:AssumedRoot is set): allowed.
        assert.ok(
            !denied(plan, PROD, "s3:DeleteBucketPolicy", "arn:aws:s3:::app-bucket", {
                "aws:AssumedRoot": "true",
            }),
        );
        assert.ok(
            !denied(
                plan,
                role(PROD, "AppRole"),
                "s3:DeleteBucketPolicy",
                "arn:aws:s3:::app-bucket",
            ),
        );
    });

    it("protects the trail for everyone, and the bucket and key except from the log-archive admin role", () => {
        const content = one(plan, SCP, "guardrails-baseline").props.content;
        const trail = statement(content, "ProtectTrail");
        assert.deepStrictEqual(trail.Action, [
            "cloudtrail:DeleteTrail",
            "cloudtrail:PutEventSelectors",
            "cloudtrail:PutInsightSelectors",
            "cloudtrail:StopLogging",
            "cloudtrail:UpdateTrail",
        ]);
        assert.strictEqual(trail.Resource, "arn:aws:cloudtrail:*:*:trail/org-access");
        assert.strictEqual(trail.Condition, undefined);
        assert.deepStrictEqual(statement(content, "DenyLogDeletion").Resource, [
            bucket,
            `${bucket}/*`,
        ]);
        assert.strictEqual(statement(content, "DenyLogDeletion").Condition, undefined);
        const onlyAdmin = { ArnNotLike: { "aws:PrincipalArn": admin } };
        assert.deepStrictEqual(statement(content, "ProtectLogBucket").Condition, onlyAdmin);
        assert.deepStrictEqual(statement(content, "ProtectLogKey").Condition, onlyAdmin);
        // The exact key ARN of the trail's key, in the log-archive account.
        const keyArn = statement(content, "DenyLogKeyDeletion").Resource as string;
        assert.match(
            keyArn,
            new RegExp(`^arn:aws:kms:us-east-1:${LOG_ARCHIVE}:key/[0-9a-f-]{36}$`),
        );
        assert.deepStrictEqual(statement(content, "DenyLogKeyDeletion").Action, [
            "kms:DisableKey",
            "kms:ScheduleKeyDeletion",
        ]);

        // Evaluated: the log-archive account's deploy role (CI can reach it) may change none of it.
        const deployer = session(LOG_ARCHIVE, "OrganizationAccountAccessRole");
        const bucketChanges = [
            "s3:PutLifecycleConfiguration",
            "s3:PutBucketPolicy",
            "s3:DeleteBucketPolicy",
            "s3:PutBucketObjectLockConfiguration",
            "s3:PutBucketVersioning",
            "s3:PutEncryptionConfiguration",
            "s3:PutBucketPublicAccessBlock",
            "s3:PutBucketOwnershipControls",
            "s3:PutReplicationConfiguration",
        ];
        for (const action of bucketChanges) {
            assert.ok(denied(plan, deployer, action, bucket), `deploy role: ${action}`);
            assert.ok(
                !denied(plan, session(LOG_ARCHIVE, "OrgAccessLogArchiveAdmin"), action, bucket),
                `admin: ${action}`,
            );
            // A role of the same name in another account is not the admin role.
            assert.ok(
                denied(plan, session(PROD, "OrgAccessLogArchiveAdmin"), action, bucket),
                `impostor: ${action}`,
            );
        }
        for (const action of ["kms:PutKeyPolicy", "kms:DisableKeyRotation", "kms:CreateGrant"]) {
            assert.ok(denied(plan, deployer, action, keyArn), `deploy role: ${action}`);
            assert.ok(
                !denied(plan, session(LOG_ARCHIVE, "OrgAccessLogArchiveAdmin"), action, keyArn),
                `admin: ${action}`,
            );
        }
        // Deleting logs or the key stays denied for everyone, the admin role included.
        assert.ok(
            denied(
                plan,
                session(LOG_ARCHIVE, "OrgAccessLogArchiveAdmin"),
                "s3:DeleteObject",
                `${bucket}/AWSLogs/x.json.gz`,
            ),
        );
        assert.ok(
            denied(
                plan,
                session(LOG_ARCHIVE, "OrgAccessLogArchiveAdmin"),
                "kms:ScheduleKeyDeletion",
                keyArn,
            ),
        );
    });

    it("lets nobody but the log-archive admin role change the admin role, the deploy roles included", () => {
        const s = statement(
            one(plan, SCP, "guardrails-baseline").props.content,
            "ProtectLogArchiveAdmin",
        );
        assert.deepStrictEqual(s.Action, ROLE_CHANGE_ACTIONS);
        assert.strictEqual(s.Resource, admin);
        for (const action of [
            "iam:UpdateAssumeRolePolicy",
            "iam:PutRolePolicy",
            "iam:AttachRolePolicy",
            "iam:DeleteRole",
        ]) {
            for (const who of [
                session(LOG_ARCHIVE, "OrganizationAccountAccessRole"),
                session(LOG_ARCHIVE, "BreakGlassRole"),
                session(LOG_ARCHIVE, "stacksets-exec-0123456789abcdef"),
            ])
                assert.ok(denied(plan, who, action, admin), `${who}: ${action}`);
            assert.ok(
                !denied(plan, session(LOG_ARCHIVE, "OrgAccessLogArchiveAdmin"), action, admin),
                action,
            );
        }
    });

    it("keeps isolation security groups closed, and the isolation tag the responders' own", () => {
        const sg = `arn:aws:ec2:us-east-1:${PROD}:security-group/sg-0abc`;
        const isolation = { "aws:ResourceTag/org-access-isolation": "true" };
        for (const action of [
            "ec2:AuthorizeSecurityGroupIngress",
            "ec2:AuthorizeSecurityGroupEgress",
            "ec2:ModifySecurityGroupRules",
        ]) {
            for (const who of ["AppAdmin", "IncidentResponseRole", "OrganizationAccountAccessRole"])
                assert.ok(
                    denied(plan, session(PROD, who), action, sg, isolation),
                    `${who} ${action}`,
                );
            assert.ok(
                denied(plan, session(PROD, "AppAdmin"), action, sg, {
                    "aws:ResourceTag/org-access-isolation": "TRUE",
                }),
            );
            assert.ok(
                !denied(plan, session(PROD, "BreakGlassRole"), action, sg, isolation),
                action,
            );
            // Ordinary groups are not this SCP's business.
            assert.ok(!denied(plan, session(PROD, "AppAdmin"), action, sg), action);
        }
        // Nobody but the duty roles turns a group into an isolation group, or back, in any case.
        for (const key of ["org-access-isolation", "Org-Access-Isolation"]) {
            const tagging = { "aws:TagKeys": ["Name", key], [`aws:RequestTag/${key}`]: "true" };
            for (const action of ["ec2:CreateTags", "ec2:DeleteTags", "ec2:CreateSecurityGroup"]) {
                assert.ok(
                    denied(plan, session(PROD, "AppAdmin"), action, sg, tagging),
                    `${key} ${action}`,
                );
                assert.ok(
                    !denied(plan, session(PROD, "IncidentResponseRole"), action, sg, tagging),
                    action,
                );
            }
        }
        assert.ok(
            !denied(plan, session(PROD, "AppAdmin"), "ec2:CreateTags", sg, {
                "aws:TagKeys": ["Name"],
            }),
        );
    });

    it("lets only the deploy roles and StackSet execution roles change org-access's roles, deploy and preview roles included", () => {
        const s = statement(
            one(plan, SCP, "guardrails-roles").props.content,
            "ProtectOrgAccessRoles",
        );
        assert.deepStrictEqual(s.Resource, [
            "arn:aws:iam::*:role/BreakGlassRole",
            "arn:aws:iam::*:role/IncidentResponseRole",
            "arn:aws:iam::*:role/OrgAccessLogArchiveAdmin",
            "arn:aws:iam::*:role/OrgAccessPreviewRole",
            "arn:aws:iam::*:role/OrganizationAccountAccessRole",
            "arn:aws:iam::*:role/SecurityAuditRole",
            "arn:aws:iam::*:role/WorkloadDeployer",
            "arn:aws:iam::*:role/aws-service-role/*",
            "arn:aws:iam::*:role/stacksets-exec-*",
        ]);
        assert.deepStrictEqual(s.Condition, {
            ArnNotLike: {
                "aws:PrincipalArn": [
                    "arn:aws:iam::*:role/OrganizationAccountAccessRole",
                    "arn:aws:iam::*:role/WorkloadDeployer",
                    "arn:aws:iam::*:role/stacksets-exec-*",
                    admin,
                ],
            },
        });
        for (const a of [
            "iam:UpdateAssumeRolePolicy",
            "iam:PutRolePolicy",
            "iam:AttachRolePolicy",
            "iam:DeleteRole",
        ])
            assert.ok(s.Action.includes(a), a);
        // The management account's deploy role is never exempted: SCPs do not apply there anyway.
        assert.ok(!JSON.stringify(s).includes("OrgAccessDeployRole"));
        // Nobody else may create a role that the SCPs would exempt by its name.
        const admin2 = session(PROD, "AppAdmin");
        for (const name of [
            "stacksets-exec-evil",
            "OrgAccessPreviewRole",
            "OrganizationAccountAccessRole",
        ])
            assert.ok(denied(plan, admin2, "iam:CreateRole", role(PROD, name)), name);
        assert.ok(!denied(plan, admin2, "iam:CreateRole", role(PROD, "AppRole")));
    });

    it("enforces quarantine, and lets no session tag lift it, whatever the letter case", () => {
        const content = one(plan, SCP, "guardrails-roles").props.content;
        const tagged = (value: string) => ({ "aws:PrincipalTag/org-access-quarantine": value });
        const app = session(PROD, "AppRole");
        assert.ok(denied(plan, app, "s3:GetObject", "arn:aws:s3:::b/k", tagged("true")));
        assert.ok(denied(plan, app, "s3:GetObject", "arn:aws:s3:::b/k", tagged("True")));
        assert.ok(!denied(plan, app, "s3:GetObject", "arn:aws:s3:::b/k", tagged("false")));
        assert.ok(!denied(plan, app, "s3:GetObject", "arn:aws:s3:::b/k"));

        // Re-assuming a quarantined role with the tag as a session tag (which overrides the role's tag)
        // is denied for everyone, deploy and duty roles included, in any spelling of the key.
        for (const who of [
            app,
            session(PROD, "OrganizationAccountAccessRole"),
            session(PROD, "BreakGlassRole"),
            session(PROD, "IncidentResponseRole"),
        ]) {
            for (const key of [
                "org-access-quarantine",
                "Org-Access-Quarantine",
                "ORG-ACCESS-QUARANTINE",
            ]) {
                const context = {
                    "aws:TagKeys": ["Team", key],
                    [`aws:RequestTag/${key}`]: "false",
                };
                assert.ok(
                    denied(plan, who, "sts:TagSession", role(PROD, "AppRole"), context),
                    `${who} ${key}`,
                );
                // Either statement alone denies it: the tag keys, and the request tag of that name.
                assert.ok(
                    denied(plan, who, "sts:TagSession", role(PROD, "AppRole"), {
                        "aws:TagKeys": [key],
                    }),
                    key,
                );
                assert.ok(
                    denied(plan, who, "sts:TagSession", role(PROD, "AppRole"), {
                        [`aws:RequestTag/${key}`]: "false",
                    }),
                    key,
                );
            }
        }
        // Other session tags stay allowed.
        assert.ok(
            !denied(plan, app, "sts:TagSession", role(PROD, "AppRole"), {
                "aws:TagKeys": ["Team"],
                "aws:RequestTag/Team": "x",
            }),
        );
        assert.deepStrictEqual(statement(content, "DenyQuarantineSessionTag").Condition, {
            "ForAnyValue:StringEqualsIgnoreCase": { "aws:TagKeys": ["org-access-quarantine"] },
        });

        // Only the duty and deploy roles may set or remove the tag; IAM tag keys ignore case, so a
        // differently spelled key would overwrite it: it is denied too.
        for (const key of ["org-access-quarantine", "Org-Access-Quarantine"]) {
            const context = { "aws:TagKeys": [key], [`aws:RequestTag/${key}`]: "false" };
            assert.ok(denied(plan, app, "iam:TagRole", role(PROD, "Victim"), context), key);
            assert.ok(
                denied(plan, app, "iam:UntagRole", role(PROD, "Victim"), { "aws:TagKeys": [key] }),
                key,
            );
            assert.ok(
                !denied(
                    plan,
                    session(PROD, "IncidentResponseRole"),
                    "iam:TagRole",
                    role(PROD, "Victim"),
                    context,
                ),
                key,
            );
        }
        assert.ok(
            !denied(plan, app, "iam:TagRole", role(PROD, "Victim"), { "aws:TagKeys": ["Team"] }),
        );
    });

    it("never quarantines an infrastructure role, and lets nobody put the quarantine tag on one", () => {
        const infrastructure = [
            role(PROD, "stacksets-exec-0123456789abcdef0123456789abcdef"),
            role(PROD, "aws-service-role/ecs.amazonaws.com/AWSServiceRoleForECS"),
            role(PROD, "OrganizationAccountAccessRole"),
            role(STAGING, "WorkloadDeployer"),
            role(PROD, "OrgAccessPreviewRole"),
            role(LOG_ARCHIVE, "OrgAccessLogArchiveAdmin"),
        ];
        const context = {
            "aws:TagKeys": ["org-access-quarantine"],
            "aws:RequestTag/org-access-quarantine": "true",
        };
        for (const r of infrastructure) {
            const name = r.split(":role/")[1];
            const account = r.split(":")[4];
            // The role, even tagged, is not stopped (aws:PrincipalArn is the role's ARN, path included).
            assert.ok(
                !denied(plan, r, "s3:ListAllMyBuckets", "*", {
                    "aws:PrincipalTag/org-access-quarantine": "true",
                }),
                name,
            );
            // Nobody tags it: not the incident responders, not break-glass, not a deploy role.
            for (const who of [
                "IncidentResponseRole",
                "BreakGlassRole",
                "OrganizationAccountAccessRole",
            ])
                assert.ok(
                    denied(plan, session(account, who), "iam:TagRole", r, context),
                    `${who} -> ${name}`,
                );
        }
        // The exemption is by role, not by account: an ordinary role there is quarantined.
        assert.ok(
            denied(plan, session(PROD, "AppRole"), "s3:ListAllMyBuckets", "*", {
                "aws:PrincipalTag/org-access-quarantine": "true",
            }),
        );
        assert.ok(
            !denied(
                plan,
                session(PROD, "IncidentResponseRole"),
                "iam:TagRole",
                role(PROD, "AppRole"),
                context,
            ),
        );
    });

    it("denies IAM users and access keys except to the workload deploy roles", () => {
        assert.deepStrictEqual(
            doc(one(plan, SCP, "guardrails-no-long-lived-credentials").props.content).Statement,
            [
                {
                    Sid: "DenyLongLivedCredentials",
                    Effect: "Deny",
                    Action: ["iam:CreateAccessKey", "iam:CreateUser"],
                    Resource: "*",
                    Condition: {
                        ArnNotLike: {
                            "aws:PrincipalArn": [
                                "arn:aws:iam::*:role/OrganizationAccountAccessRole",
                                "arn:aws:iam::*:role/WorkloadDeployer",
                            ],
                        },
                    },
                },
            ],
        );
    });

    it("denies other regions except AWS's current global services, and exempts the break-glass and deploy roles", () => {
        const s = statement(
            one(plan, SCP, "guardrails-regions").props.content,
            "DenyUnapprovedRegions",
        );
        assert.deepStrictEqual(s.Condition, {
            StringNotEquals: { "aws:RequestedRegion": ["us-east-1", "eu-west-1"] },
            ArnNotLike: {
                "aws:PrincipalArn": [
                    "arn:aws:iam::*:role/BreakGlassRole",
                    "arn:aws:iam::*:role/OrganizationAccountAccessRole",
                    "arn:aws:iam::*:role/WorkloadDeployer",
                ],
            },
        });
        assert.deepStrictEqual(s.NotAction, GLOBAL_SERVICE_ACTIONS);
        // Entries of AWS's current list that the old one lacked.
        for (const a of [
            "access-analyzer:*",
            "account:*",
            "billing:*",
            "cloudtrail:LookupEvents",
            "sso:*",
            "iam:*",
            "organizations:*",
            "sts:*",
            "support:*",
        ])
            assert.ok(s.NotAction.includes(a), a);
        assert.strictEqual(s.Action, undefined);
        const far = { "aws:RequestedRegion": "ap-south-1" };
        assert.ok(denied(plan, session(PROD, "AppRole"), "ec2:RunInstances", "*", far));
        assert.ok(
            !denied(plan, session(PROD, "AppRole"), "ec2:RunInstances", "*", {
                "aws:RequestedRegion": "eu-west-1",
            }),
        );
        assert.ok(
            !denied(plan, session(PROD, "AppRole"), "account:GetAlternateContact", "*", {
                "aws:RequestedRegion": "us-east-1",
            }),
        );
        for (const who of ["BreakGlassRole", "OrganizationAccountAccessRole"])
            assert.ok(!denied(plan, session(PROD, who), "ec2:RunInstances", "*", far), who);
        assert.ok(
            !denied(plan, session(STAGING, "WorkloadDeployer"), "ec2:RunInstances", "*", far),
        );
    });

    it("attaches the credentials SCP to workloadTargets when given, and creates no region SCP without allowedRegions", async () => {
        const p = await planSecurity(
            securityValues({
                guardrails: { targets: ["r-ab12"], workloadTargets: ["ou-ab12-workload1"] },
                ...BREAK_GLASS,
            }),
            projectWith({ workload }),
        );
        assert.deepStrictEqual(
            ofType(p, SCP)
                .map((x) => x.props.name)
                .sort(),
            ["org-access-baseline", "org-access-no-long-lived-credentials", "org-access-roles"],
        );
        assert.deepStrictEqual(
            ofType(p, ATTACHMENT)
                .map((a) => a.props.targetId)
                .sort(),
            ["ou-ab12-workload1", "r-ab12", "r-ab12"],
        );
    });

    it("creates no SCP at all unless guardrails are configured", async () => {
        const p = await planSecurity(securityValues(), projectWith({ workload }));
        assert.deepStrictEqual(ofType(p, SCP), []);
        assert.strictEqual(p.outputs.serviceControlPolicies, undefined);
    });

    it("exports each SCP's id, targets and exact content for the evidence report", () => {
        const out = plan.outputs.serviceControlPolicies as Record<
            string,
            { id: string; targets: string[]; content: string }
        >;
        assert.deepStrictEqual(Object.keys(out), [
            "org-access-baseline",
            "org-access-roles",
            "org-access-no-long-lived-credentials",
            "org-access-regions",
        ]);
        assert.deepStrictEqual(out["org-access-baseline"].targets, ["r-ab12", "ou-ab12-cdefgh34"]);
        assert.match(out["org-access-baseline"].id, /^p-[0-9a-f]{8}$/);
        assert.strictEqual(
            out["org-access-regions"].content,
            one(plan, SCP, "guardrails-regions").props.content,
        );
    });

    it("measures the regions SCP and names its key when it is over 5,120 characters", () => {
        // No stack can reach it today: the config takes only the partition's regions (config/regions.ts),
        // and distinct deploy roles overflow the roles SCP first (the test below plans that end to
        // end). The check stays for a longer region list, so it is held here on the definitions.
        const inputs: GuardrailPolicyInputs = {
            partition: "aws",
            trailName: "org-access",
            trailBucketName: "org-access-trail-123456789012",
            logArchiveAccountId: "444455556666",
            logArchiveAdminRoleName: "OrgAccessLogArchiveAdmin",
            deployRoleNames: ["OrganizationAccountAccessRole"],
            workloadDeployRoleNames: ["OrganizationAccountAccessRole"],
            protectedRoles: ["/SecurityAuditRole"],
            allowedRegions: [...regionsOf("aws")],
        };
        const key = placeholderKeyArn("aws", "us-east-1", "444455556666");
        assert.deepStrictEqual(policySizeProblems(scpDefinitions(inputs, key)), []);
        const many = [...inputs.allowedRegions!];
        for (let n = 1; many.join().length < SCP_MAX_CHARACTERS; n++) many.push(`xx-region-${n}`);
        assert.deepStrictEqual(
            policySizeProblems(scpDefinitions({ ...inputs, allowedRegions: many }, key)).map(
                (p) => [p.path, p.message.replace(/\d{4,5} characters/, "N characters"), p.fix],
            ),
            [
                [
                    "guardrails.allowedRegions",
                    'the SCP "org-access-regions" would be N characters; AWS allows 5120',
                    "allow fewer regions or use fewer distinct deploy role names",
                ],
            ],
        );
    });

    it("keeps every SCP within 5,120 characters with ten distinct workload deploy roles, and names the roles SCP beyond", async () => {
        const accounts = (n: number) =>
            Array.from({ length: n }, (_, i) => ({
                name: `team${i}`,
                accountId: String(200000000000 + i),
                deployRoleName: `WorkloadDeployer-team-${String(i).padStart(2, "0")}`,
            }));
        const values = securityValues({
            guardrails: { targets: ["r-ab12"], allowedRegions: ["us-east-1", "eu-west-1"] },
            ...BREAK_GLASS,
        });
        const ten = await planSecurity(
            values,
            projectWith({
                workload: { securityAccountId: SECURITY, workloadAccounts: accounts(10) },
            }),
        );
        const sizes = ofType(ten, SCP).map((p) => String(p.props.content).length);
        assert.strictEqual(sizes.length, 4);
        for (const size of sizes) assert.ok(size <= SCP_MAX_CHARACTERS, String(sizes));
        // Every distinct deploy role is exempted where it must be.
        const content = String(one(ten, SCP, "guardrails-roles").props.content);
        for (const a of accounts(10))
            assert.ok(content.includes(`role/${a.deployRoleName}"`), a.deployRoleName);

        const e = await rejection(
            planSecurity(
                values,
                projectWith({
                    // 20 accounts in one stack: above the default budget of 10 (config/schema/workload.ts).
                    workload: {
                        securityAccountId: SECURITY,
                        workloadAccounts: accounts(20),
                        maxAccountsPerStack: 20,
                    },
                }),
            ),
        );
        assert.ok(e instanceof ConfigError, String(e));
        assert.match(
            e.message,
            /\n\* org-access:guardrails: the SCP "org-access-roles" would be \d{4} characters; AWS allows 5120 \(use fewer distinct deploy, preview or audit role names\)/,
        );
    });

    it("makes every attachment wait for the resources given in dependsOn", async () => {
        const { planStack } = await import("../../plan/run");
        const aws = await import("@pulumi/aws");
        const { Guardrails } = await import("../../components/guardrails");
        const result = await planStack({
            stack: "security",
            stackFile: stackFileOf(securityValues()),
            build: () => {
                const provider = new aws.Provider("management", {
                    region: "us-east-1",
                    allowedAccountIds: [MANAGEMENT],
                });
                const first = new aws.s3.Bucket("log-bucket", { bucket: "logs" }, { provider });
                new Guardrails(
                    "guardrails",
                    {
                        policies: guardrailPolicyInputs(),
                        logKeyArn: placeholderKeyArn("aws", "us-east-1", LOG_ARCHIVE),
                        targets: ["r-ab12"],
                        workloadTargets: [PROD],
                        dependsOn: [first],
                    },
                    { provider },
                );
                return {};
            },
        });
        const attachments = ofType(result, ATTACHMENT);
        assert.strictEqual(attachments.length, 3);
        for (const a of attachments)
            assert.deepStrictEqual(a.options.dependsOn, ["log-bucket"], a.name);
    });
});

describe("Guardrails: preview role names", () => {
    const content = (previewRoleNames?: string[]) =>
        JSON.stringify(
            scpDefinitions(
                { ...guardrailPolicyInputs(), previewRoleNames },
                placeholderKeyArn("aws", "us-east-1", LOG_ARCHIVE),
            ).find((d) => d.key === "roles")!.document,
        );

    it("protects and never quarantines the configured preview roles, OrgAccessPreviewRole when none is named", () => {
        const named = parsePolicyDocument(content(["TeamPreviewRole", "OtherPreview"]));
        const fallback = parsePolicyDocument(content([]));
        const quarantined = (d: PolicyDocument, name: string) =>
            evaluateRequest(d, {
                principal: awsPrincipalFromArn(role(PROD, name)),
                action: "s3:ListAllMyBuckets",
                resource: "*",
                context: { "aws:PrincipalTag/org-access-quarantine": "true" },
            }).decision === "ExplicitDeny";
        const creatable = (d: PolicyDocument, name: string) =>
            evaluateRequest(d, {
                principal: awsPrincipalFromArn(session(PROD, "AppAdmin")),
                action: "iam:CreateRole",
                resource: role(PROD, name),
            }).decision !== "ExplicitDeny";
        for (const name of ["TeamPreviewRole", "OtherPreview"]) {
            assert.ok(!quarantined(named, name), name);
            assert.ok(!creatable(named, name), name);
        }
        assert.ok(quarantined(named, "OrgAccessPreviewRole"));
        assert.ok(!quarantined(fallback, "OrgAccessPreviewRole"));
        assert.ok(!creatable(fallback, "OrgAccessPreviewRole"));
        assert.ok(creatable(fallback, "TeamPreviewRole"));
    });
});

describe("Guardrails: preview role names from config", () => {
    it("takes ci.previewRoleName and each workload stack's previewRole.name", async () => {
        const plan = await planSecurity(
            securityValues({
                guardrails: { targets: ["r-ab12"] },
                ...BREAK_GLASS,
                ci: {
                    repository: "example-org/org-access",
                    stateBucket: "example-state",
                    previewRoleName: "CiPreviewRole",
                },
            }),
            projectWith({
                workload: {
                    ...workload,
                    previewRole: { name: "TeamPreviewRole" },
                    trustedPrincipals: {
                        humanArns: [`arn:aws:iam::${SECURITY}:user/org-access/alice`],
                        reporters: [],
                        previewIdentityArn: `arn:aws:iam::${MANAGEMENT}:role/org-access-github-preview`,
                    },
                },
            }),
        );
        const s = statement(
            one(plan, SCP, "guardrails-roles").props.content,
            "ProtectOrgAccessRoles",
        );
        assert.ok(s.Resource.includes("arn:aws:iam::*:role/CiPreviewRole"));
        assert.ok(s.Resource.includes("arn:aws:iam::*:role/TeamPreviewRole"));
        assert.ok(!s.Resource.includes("arn:aws:iam::*:role/OrgAccessPreviewRole"));
        assert.ok(
            !denied(plan, role(PROD, "TeamPreviewRole"), "s3:ListAllMyBuckets", "*", {
                "aws:PrincipalTag/org-access-quarantine": "true",
            }),
        );
    });
});

describe("Guardrails with a workload stack in StackSet mode", () => {
    let plan: PlanResult;
    before(async () => {
        plan = await planSecurity(
            securityValues({ guardrails: { targets: ["r-ab12"] }, ...BREAK_GLASS }),
            projectWith({
                workload: {
                    securityAccountId: SECURITY,
                    deploymentMode: "stackset",
                    stackSet: {
                        adminAccount: {
                            accountId: MANAGEMENT,
                            deployRoleName: "OrgAccessDeployRole",
                        },
                        organizationalUnitIds: ["ou-ab12-cdefgh34"],
                    },
                    workloadAccounts: [{ name: "prod", accountId: PROD }],
                },
            }),
        );
    });

    it("lets the StackSet execution roles create and update the audit role, and nobody else", () => {
        const exec = session(PROD, "stacksets-exec-0123456789abcdef0123456789abcdef");
        const audit = role(PROD, "SecurityAuditRole");
        for (const action of [
            "iam:CreateRole",
            "iam:PutRolePolicy",
            "iam:AttachRolePolicy",
            "iam:UpdateAssumeRolePolicy",
            "iam:TagRole",
            "iam:DeleteRole",
        ]) {
            assert.ok(!denied(plan, exec, action, audit, { "aws:TagKeys": ["ManagedBy"] }), action);
            assert.ok(
                denied(plan, session(PROD, "AppAdmin"), action, audit, {
                    "aws:TagKeys": ["ManagedBy"],
                }),
                action,
            );
        }
        // The exemption does not extend to the log-archive admin role, the trail or the logs.
        assert.ok(
            denied(
                plan,
                exec,
                "iam:UpdateAssumeRolePolicy",
                role(LOG_ARCHIVE, "OrgAccessLogArchiveAdmin"),
            ),
        );
        assert.ok(
            denied(
                plan,
                exec,
                "cloudtrail:StopLogging",
                `arn:aws:cloudtrail:us-east-1:${MANAGEMENT}:trail/org-access`,
            ),
        );
    });
});

describe("config validation: guardrails", () => {
    const security =
        (guardrails: unknown, region = "us-east-1") =>
        () =>
            validateSecurityConfig({
                values: securityValues({ guardrails, ...BREAK_GLASS }),
                region,
            });

    it("accepts root, OU and account targets and leaves the region SCP off by default", () => {
        const cfg = validateSecurityConfig({
            values: securityValues({
                guardrails: { targets: ["r-ab12", "ou-ab12-cdefgh34", DEV] },
                ...BREAK_GLASS,
            }),
            region: "us-east-1",
        });
        assert.deepStrictEqual(cfg.guardrails, { targets: ["r-ab12", "ou-ab12-cdefgh34", DEV] });
    });

    it("rejects malformed root and OU ids, an unquoted account id and an empty list, all at once", () => {
        assert.deepStrictEqual(
            problems(security({ targets: ["r-AB", "ou-xxxx", 123456789013], workloadTargets: [] })),
            [
                `* org-access:guardrails.targets[0]: must be a root id (r-xxxx), an OU id (ou-xxxx-xxxxxxxx) or a quoted 12-digit account id (got "r-AB") (fix with: pulumi config set --path 'org-access:guardrails.targets[0]' r-abcd1234)`,
                `* org-access:guardrails.targets[1]: must be a root id (r-xxxx), an OU id (ou-xxxx-xxxxxxxx) or a quoted 12-digit account id (got "ou-xxxx") (fix with: pulumi config set --path 'org-access:guardrails.targets[1]' r-abcd1234)`,
                `* org-access:guardrails.targets[2]: must be a root, OU or account id (got 123456789013) (fix with: pulumi config set --path 'org-access:guardrails.targets[2]' 123456789013 --type string)`,
                `* org-access:guardrails.workloadTargets: must name at least one root, OU or account id (got a list)`,
            ],
        );
    });

    it("rejects the management account as a target, duplicates, and a region list without aws:region", () => {
        assert.deepStrictEqual(
            problems(
                security({
                    targets: [MANAGEMENT, "r-ab12", "r-ab12"],
                    allowedRegions: ["eu-west-1", "eu-central-1"],
                }),
            ),
            [
                `* org-access:guardrails.targets[2]: "r-ab12" is listed twice (also at guardrails.targets[1]) (list it once)`,
                `* org-access:guardrails.targets[0]: ${MANAGEMENT} is the management account; SCPs never apply to it (attach to the root, an OU or member accounts instead)`,
                `* org-access:guardrails.allowedRegions: does not include aws:region us-east-1, so the SCP would deny this program's own region (pulumi config set --path 'org-access:guardrails.allowedRegions[2]' us-east-1)`,
            ],
        );
    });

    it("rejects a bad region name and a missing targets list", () => {
        assert.deepStrictEqual(problems(security({ allowedRegions: ["us-east-1", "mars-1"] })), [
            `* org-access:guardrails.targets: is required (must be a list of target ids, not a single value) (set its entries with --path, e.g.: pulumi config set --path 'org-access:guardrails.targets[0]' r-abcd1234)`,
            `* org-access:guardrails.allowedRegions[1]: must be an AWS region name such as eu-west-1 (got "mars-1") (fix with: pulumi config set --path 'org-access:guardrails.allowedRegions[1]' us-east-1)`,
        ]);
    });
});

/** Inputs of a small organization, for the component-level tests. */
describe("Guardrails, constructed directly with the management account's provider", () => {
    const TYPE = "org-access:guardrails:Guardrails";
    const keyArn = placeholderKeyArn("aws", "us-east-1", LOG_ARCHIVE);
    let plan: PlanResult;
    before(async () => {
        const { Guardrails } = await import("../../components/guardrails");
        plan = await planComponents((_, p) => {
            new Guardrails(
                "scps",
                {
                    policies: { ...guardrailPolicyInputs(), allowedRegions: ["us-east-1"] },
                    logKeyArn: keyArn,
                    targets: ["r-ab12"],
                    workloadTargets: [PROD, STAGING],
                },
                { provider: p.management },
            );
        });
    });

    it("creates one policy per definition, of the type the definition names, with its exact content", () => {
        const defs = scpDefinitions(
            { ...guardrailPolicyInputs(), allowedRegions: ["us-east-1"] },
            keyArn,
        );
        const policies = childrenOf(plan, TYPE, "scps").filter((r) => r.type === SCP);
        assert.deepStrictEqual(
            policies.map((r) => r.name),
            defs.map((d) => `scps-${d.key}`),
        );
        for (const d of defs) {
            const policy = one(plan, SCP, `scps-${d.key}`);
            assert.strictEqual(policy.props.type, d.type);
            assert.strictEqual(policy.props.type, "SERVICE_CONTROL_POLICY");
            assert.strictEqual(policy.props.name, d.name);
            assert.strictEqual(policy.props.content, JSON.stringify(d.document));
        }
    });

    it("attaches each policy to its own targets, everything in the management account", () => {
        assert.deepStrictEqual(
            childrenOf(plan, TYPE, "scps")
                .filter((r) => r.type === ATTACHMENT)
                .map((r) => `${r.name} -> ${String(r.props.targetId)}`)
                .sort(),
            [
                "scps-baseline-r-ab12 -> r-ab12",
                `scps-no-long-lived-credentials-${STAGING} -> ${STAGING}`,
                `scps-no-long-lived-credentials-${PROD} -> ${PROD}`,
                "scps-regions-r-ab12 -> r-ab12",
                "scps-roles-r-ab12 -> r-ab12",
            ],
        );
        for (const r of childrenOf(plan, TYPE, "scps")) assert.strictEqual(r.accountId, MANAGEMENT);
    });

    it("requires the management account's provider", async () => {
        const { Guardrails } = await import("../../components/guardrails");
        const e = await rejection(
            planComponents(() => {
                new Guardrails(
                    "scps",
                    {
                        policies: guardrailPolicyInputs(),
                        logKeyArn: keyArn,
                        targets: ["r-ab12"],
                        workloadTargets: [PROD],
                    },
                    {},
                );
            }),
        );
        assert.match(e.message, /Guardrails scps: the management account's provider is required/);
    });

    it("checks every definition against its own type's size, and names the type in the problem", () => {
        const [baseline] = scpDefinitions(guardrailPolicyInputs(), keyArn);
        const big: OrganizationPolicyDefinition = {
            ...baseline,
            document: {
                Version: "2012-10-17",
                Statement: [{ Sid: "X".repeat(5200), Effect: "Deny", Action: "*", Resource: "*" }],
            },
        };
        assert.deepStrictEqual(policySizeProblems([baseline]), []);
        const size = JSON.stringify(big.document).length;
        assert.deepStrictEqual(policySizeProblems([big]), [
            {
                path: "guardrails",
                message: `the SCP "org-access-baseline" would be ${size} characters; AWS allows 5120`,
                fix: "use a shorter trail or bucket name",
            },
        ]);
        const rcp: OrganizationPolicyDefinition = {
            ...big,
            type: "RESOURCE_CONTROL_POLICY",
            name: "org-access-rcp",
        };
        assert.strictEqual(
            policySizeProblem(rcp),
            `the RCP "org-access-rcp" would be ${size} characters; AWS allows ${ORGANIZATION_POLICY_TYPES.RESOURCE_CONTROL_POLICY.maxCharacters}`,
        );
    });
});

function guardrailPolicyInputs(): GuardrailPolicyInputs {
    return {
        partition: "aws",
        trailName: "org-access",
        trailBucketName: `org-access-trail-${LOG_ARCHIVE}-us-east-1`,
        logArchiveAccountId: LOG_ARCHIVE,
        logArchiveAdminRoleName: "OrgAccessLogArchiveAdmin",
        deployRoleNames: ["OrganizationAccountAccessRole"],
        workloadDeployRoleNames: ["OrganizationAccountAccessRole"],
        protectedRoles: ["/BreakGlassRole", "/IncidentResponseRole", "/SecurityAuditRole"],
    };
}
