import * as assert from "assert";
import { ConfigError, validateSecurityConfig } from "../../config";
import { GLOBAL_SERVICE_ACTIONS, SCP_MAX_CHARACTERS } from "../../components/guardrails";
import { PlanResult } from "../../plan/run";
import {
    DEV,
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
    statement,
    STAGING,
} from "../helpers";

const workload = {
    securityAccountId: SECURITY,
    workloadAccounts: [
        { name: "prod", accountId: PROD },
        { name: "staging", accountId: STAGING, deployRoleName: "WorkloadDeployer" },
    ],
};
const SCP = "aws:organizations/policy:Policy";
const ATTACHMENT = "aws:organizations/policyAttachment:PolicyAttachment";

/** The problem lines of the ConfigError a call throws. */
function problems(f: () => unknown): string[] {
    try {
        f();
    } catch (e) {
        assert.ok(e instanceof ConfigError, `expected a ConfigError, got ${String(e)}`);
        return e.message.split("\n").slice(1);
    }
    assert.fail("expected the config to be rejected");
}

describe("Guardrails (service control policies)", () => {
    let plan: PlanResult;
    const bucket = `arn:aws:s3:::org-access-trail-${LOG_ARCHIVE}-us-east-1`;
    before(async () => {
        plan = await planSecurity(
            securityValues({
                guardrails: {
                    targets: ["r-ab12", "ou-ab12-cdefgh34"],
                    allowedRegions: ["us-east-1", "eu-west-1"],
                },
            }),
            projectWith({ workload }),
        );
    });

    it("creates three SCPs in the management account and attaches them where config says", () => {
        const scps = ofType(plan, SCP);
        assert.deepStrictEqual(
            scps.map((p) => [p.props.name, p.props.type, p.accountId]),
            [
                ["org-access-baseline", "SERVICE_CONTROL_POLICY", MANAGEMENT],
                ["org-access-no-long-lived-credentials", "SERVICE_CONTROL_POLICY", MANAGEMENT],
                ["org-access-regions", "SERVICE_CONTROL_POLICY", MANAGEMENT],
            ],
        );
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
        ]);
        for (const a of ofType(plan, ATTACHMENT)) assert.strictEqual(a.accountId, MANAGEMENT);
        for (const p of ofType(plan, SCP))
            assert.ok(String(p.props.content).length <= SCP_MAX_CHARACTERS);
    });

    it("denies the root user and leaving the organization", () => {
        const content = one(plan, SCP, "guardrails-baseline").props.content;
        assert.deepStrictEqual(statement(content, "DenyRootUser"), {
            Sid: "DenyRootUser",
            Effect: "Deny",
            Action: "*",
            Resource: "*",
            Condition: { ArnLike: { "aws:PrincipalArn": "arn:aws:iam::*:root" } },
        });
        assert.deepStrictEqual(statement(content, "DenyLeavingOrganization"), {
            Sid: "DenyLeavingOrganization",
            Effect: "Deny",
            Action: "organizations:LeaveOrganization",
            Resource: "*",
        });
    });

    it("protects the trail for everyone, and the bucket and key except from the log-archive deploy role", () => {
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
        const deployer = {
            ArnNotLike: {
                "aws:PrincipalArn": `arn:aws:iam::${LOG_ARCHIVE}:role/OrganizationAccountAccessRole`,
            },
        };
        assert.deepStrictEqual(statement(content, "ProtectLogBucket").Condition, deployer);
        assert.ok(statement(content, "ProtectLogBucket").Action.includes("s3:PutBucketPolicy"));
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
        assert.deepStrictEqual(statement(content, "ProtectLogKey").Condition, deployer);
    });

    it("lets only the deploy roles change org-access's roles, deploy roles included", () => {
        const s = statement(
            one(plan, SCP, "guardrails-baseline").props.content,
            "ProtectOrgAccessRoles",
        );
        assert.deepStrictEqual(s.Resource, [
            "arn:aws:iam::*:role/BreakGlassRole",
            "arn:aws:iam::*:role/IncidentResponseRole",
            "arn:aws:iam::*:role/OrganizationAccountAccessRole",
            "arn:aws:iam::*:role/SecurityAuditRole",
            "arn:aws:iam::*:role/WorkloadDeployer",
        ]);
        assert.deepStrictEqual(s.Condition, {
            ArnNotLike: {
                "aws:PrincipalArn": [
                    "arn:aws:iam::*:role/OrganizationAccountAccessRole",
                    "arn:aws:iam::*:role/WorkloadDeployer",
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
    });

    it("denies quarantined principals, and only duty and deploy roles may set the quarantine tag", () => {
        const content = one(plan, SCP, "guardrails-baseline").props.content;
        assert.deepStrictEqual(statement(content, "DenyQuarantinedPrincipals").Condition, {
            StringEquals: { "aws:PrincipalTag/org-access-quarantine": "true" },
        });
        assert.deepStrictEqual(statement(content, "ProtectQuarantineTag").Condition, {
            "ForAnyValue:StringEquals": { "aws:TagKeys": ["org-access-quarantine"] },
            ArnNotLike: {
                "aws:PrincipalArn": [
                    "arn:aws:iam::*:role/BreakGlassRole",
                    "arn:aws:iam::*:role/IncidentResponseRole",
                    "arn:aws:iam::*:role/OrganizationAccountAccessRole",
                    "arn:aws:iam::*:role/WorkloadDeployer",
                ],
            },
        });
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

    it("denies other regions except the documented global services", () => {
        const s = statement(
            one(plan, SCP, "guardrails-regions").props.content,
            "DenyUnapprovedRegions",
        );
        assert.deepStrictEqual(s.Condition, {
            StringNotEquals: { "aws:RequestedRegion": ["us-east-1", "eu-west-1"] },
        });
        assert.deepStrictEqual(s.NotAction, GLOBAL_SERVICE_ACTIONS);
        for (const a of [
            "iam:*",
            "organizations:*",
            "sts:*",
            "cloudfront:*",
            "route53:*",
            "support:*",
        ])
            assert.ok(s.NotAction.includes(a), a);
        assert.strictEqual(s.Action, undefined);
    });

    it("attaches the credentials SCP to workloadTargets when given, and creates no region SCP without allowedRegions", async () => {
        const p = await planSecurity(
            securityValues({
                guardrails: { targets: ["r-ab12"], workloadTargets: ["ou-ab12-workload1"] },
            }),
            projectWith({ workload }),
        );
        assert.deepStrictEqual(
            ofType(p, SCP).map((x) => x.props.name),
            ["org-access-baseline", "org-access-no-long-lived-credentials"],
        );
        assert.deepStrictEqual(
            ofType(p, ATTACHMENT)
                .map((a) => a.props.targetId)
                .sort(),
            ["ou-ab12-workload1", "r-ab12"],
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

    it("refuses an SCP over 5,120 characters with a ConfigError that names the policy and the key", async () => {
        const regions = ["us-east-1"];
        for (const a of "abcdefghijklmnopqrstuvwxyz")
            for (const n of [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15])
                regions.push(`x${a}-region-${n}`);
        const e = await rejection(
            planSecurity(
                securityValues({ guardrails: { targets: ["r-ab12"], allowedRegions: regions } }),
                projectWith({ workload }),
            ),
        );
        assert.ok(e instanceof ConfigError, String(e));
        assert.match(
            e.message,
            /^invalid configuration for stack "security" \(1 problem\):\n\* org-access:guardrails\.allowedRegions: the SCP "org-access-regions" would be \d{4} characters; AWS allows 5120 \(allow fewer regions\)$/,
        );
    });
});

describe("config validation: guardrails", () => {
    const security =
        (guardrails: unknown, region = "us-east-1") =>
        () =>
            validateSecurityConfig({ values: securityValues({ guardrails }), region });

    it("accepts root, OU and account targets and leaves the region SCP off by default", () => {
        const cfg = validateSecurityConfig({
            values: securityValues({
                guardrails: { targets: ["r-ab12", "ou-ab12-cdefgh34", DEV] },
            }),
            region: "us-east-1",
        });
        assert.deepStrictEqual(cfg.guardrails, { targets: ["r-ab12", "ou-ab12-cdefgh34", DEV] });
    });

    it("rejects malformed root and OU ids, an unquoted account id and an empty list, all at once", () => {
        assert.deepStrictEqual(
            problems(security({ targets: ["r-AB", "ou-xxxx", 123456789013], workloadTargets: [] })),
            [
                `* org-access:guardrails.targets[0]: must be a root id (r-xxxx), an OU id (ou-xxxx-xxxxxxxx) or a quoted 12-digit account id (got "r-AB") (fix with: pulumi config set --path 'guardrails.targets[0]' <value>)`,
                `* org-access:guardrails.targets[1]: must be a root id (r-xxxx), an OU id (ou-xxxx-xxxxxxxx) or a quoted 12-digit account id (got "ou-xxxx") (fix with: pulumi config set --path 'guardrails.targets[1]' <value>)`,
                `* org-access:guardrails.targets[2]: must be a root, OU or account id (got 123456789013) (fix with: pulumi config set --path 'guardrails.targets[2]' <value>)`,
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
                `* org-access:guardrails.allowedRegions: does not include aws:region us-east-1, so the SCP would deny this program's own region (pulumi config set --path 'guardrails.allowedRegions[2]' us-east-1)`,
            ],
        );
    });

    it("rejects a bad region name and a missing targets list", () => {
        assert.deepStrictEqual(problems(security({ allowedRegions: ["us-east-1", "mars-1"] })), [
            `* org-access:guardrails.targets: is required (set it with: pulumi config set --path 'guardrails.targets' <value>)`,
            `* org-access:guardrails.allowedRegions[1]: must be an AWS region name such as eu-west-1 (got "mars-1") (fix with: pulumi config set --path 'guardrails.allowedRegions[1]' <value>)`,
        ]);
    });
});
