import * as assert from "assert";
import { ConfigError, validateSecurityConfig } from "../../config";
import {
    ACTIVE_FINDINGS_PATTERN,
    archiveRuleProblems,
    ArchiveRuleDefinition,
} from "../../components/accessAnalyzer";
import { PlanResult } from "../../plan/run";
import {
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
} from "../helpers";
import { planComponents } from "../helpers/components";

const SERVICE_ACCESS = "aws:organizations/awsServiceAccess:AwsServiceAccess";
const FEATURES = "aws:iam/organizationsFeatures:OrganizationsFeatures";
const DELEGATED = "aws:organizations/delegatedAdministrator:DelegatedAdministrator";
const ANALYZER = "aws:accessanalyzer/analyzer:Analyzer";
const ARCHIVE = "aws:accessanalyzer/archiveRule:ArchiveRule";
const RULE = "aws:cloudwatch/eventRule:EventRule";
const TARGET = "aws:cloudwatch/eventTarget:EventTarget";
const TOPIC_POLICY = "aws:sns/topicPolicy:TopicPolicy";
const KEY = "aws:kms/key:Key";
const TOPIC = `arn:aws:sns:us-east-1:${MANAGEMENT}:org-access-security-alarms`;
const PUBLISHER = `arn:aws:iam::${SECURITY}:role/OrgAccessFindingsPublisher`;
const REPO = "example-org/org-access";

const workload = {
    securityAccountId: SECURITY,
    workloadAccounts: [{ name: "prod", accountId: PROD }],
    previewRole: { name: "OrgAccessPreviewRole" },
};
const ci = { repository: REPO, stateBucket: "example-state" };

function problemsOf(values: Record<string, unknown>): string[] {
    try {
        validateSecurityConfig({ values: securityValues(values), region: "us-east-1" });
    } catch (e) {
        assert.ok(e instanceof ConfigError, String(e));
        return e.message.split("\n").slice(1);
    }
    return [];
}

describe("organization controls: off unless configured", () => {
    let plan: PlanResult;
    before(async () => {
        plan = await planSecurity(securityValues(), projectWith({ workload }));
    });

    it("creates no trusted access, feature, delegation, analyzer or findings rule", () => {
        for (const type of [SERVICE_ACCESS, FEATURES, DELEGATED, ANALYZER, ARCHIVE, RULE, TARGET])
            assert.deepStrictEqual(ofType(plan, type), [], type);
    });

    it("lets only CloudWatch alarms publish to the alarm topic and use its key", () => {
        const topic = JSON.parse(String(ofType(plan, TOPIC_POLICY)[0].props.policy));
        assert.deepStrictEqual(
            topic.Statement.map((s: { Sid: string }) => s.Sid),
            ["CloudWatchAlarmsPublish", "DenyInsecureTransport"],
        );
        assert.strictEqual(plan.outputs.accessAnalyzer, undefined);
        assert.strictEqual(plan.outputs.rootAccessFeatures, undefined);
    });
});

describe("rootAccess: centralized", () => {
    let plan: PlanResult;
    before(async () => {
        plan = await planSecurity(
            securityValues({ rootAccess: "centralized" }),
            projectWith({ workload }),
        );
    });

    it("turns on trusted access for IAM, then both features, in the management account, and keeps both when removed", () => {
        const access = one(plan, SERVICE_ACCESS, "root-access-iam-trusted-access");
        assert.strictEqual(access.props.servicePrincipal, "iam.amazonaws.com");
        const features = one(plan, FEATURES, "root-access-features");
        assert.deepStrictEqual(features.props.enabledFeatures, [
            "RootCredentialsManagement",
            "RootSessions",
        ]);
        assert.deepStrictEqual(features.options.dependsOn, ["root-access-iam-trusted-access"]);
        for (const r of [access, features]) {
            assert.strictEqual(r.accountId, MANAGEMENT, r.name);
            assert.strictEqual(r.options.retainOnDelete, true, r.name);
        }
        assert.deepStrictEqual(ofType(plan, ANALYZER), []);
    });

    it("names AWS's task policies by their ARNs, in the partition", async () => {
        const { rootTaskPolicyArn, ROOT_TASK_POLICIES } =
            await import("../../components/rootAccess");
        assert.deepStrictEqual(
            ROOT_TASK_POLICIES.map((t) => rootTaskPolicyArn("aws-us-gov", t)),
            [
                "arn:aws-us-gov:iam::aws:policy/root-task/IAMAuditRootUserCredentials",
                "arn:aws-us-gov:iam::aws:policy/root-task/IAMCreateRootUserPassword",
                "arn:aws-us-gov:iam::aws:policy/root-task/IAMDeleteRootUserCredentials",
                "arn:aws-us-gov:iam::aws:policy/root-task/S3UnlockBucketPolicy",
                "arn:aws-us-gov:iam::aws:policy/root-task/SQSUnlockQueuePolicy",
            ],
        );
    });

    it("refuses any other value, naming the key", () => {
        assert.deepStrictEqual(problemsOf({ rootAccess: "enabled" }), [
            `* org-access:rootAccess: must be "centralized" (or leave the key out to keep root access as it is) (got "enabled") (fix with: pulumi config set --path 'rootAccess' <value>)`,
        ]);
    });
});

describe("accessAnalyzer", () => {
    let plan: PlanResult;
    before(async () => {
        plan = await planSecurity(
            securityValues({ accessAnalyzer: {}, ci }),
            projectWith({ workload }),
        );
    });

    it("registers the security account as Access Analyzer's delegated administrator, after trusted access, from the management account", () => {
        const access = one(plan, SERVICE_ACCESS, "access-analyzer-trusted-access");
        assert.strictEqual(access.props.servicePrincipal, "access-analyzer.amazonaws.com");
        assert.strictEqual(access.options.retainOnDelete, true);
        const admin = one(plan, DELEGATED, "access-analyzer-delegated-admin");
        assert.deepStrictEqual(admin.props, {
            accountId: SECURITY,
            servicePrincipal: "access-analyzer.amazonaws.com",
        });
        assert.deepStrictEqual(admin.options.dependsOn, ["access-analyzer-trusted-access"]);
        for (const r of [access, admin]) assert.strictEqual(r.accountId, MANAGEMENT, r.name);
    });

    it("creates an organization external-access analyzer and an unused-access one (90 days by default) in the security account, after the delegation", () => {
        const external = one(plan, ANALYZER, "access-analyzer-external");
        const unused = one(plan, ANALYZER, "access-analyzer-unused");
        assert.strictEqual(external.props.type, "ORGANIZATION");
        assert.strictEqual(unused.props.type, "ORGANIZATION_UNUSED_ACCESS");
        assert.deepStrictEqual(unused.props.configuration, {
            unusedAccess: { unusedAccessAge: 90 },
        });
        for (const a of [external, unused]) {
            assert.strictEqual(a.accountId, SECURITY, a.name);
            assert.deepStrictEqual(a.options.dependsOn, ["access-analyzer-delegated-admin"]);
        }
    });

    it("archives only the CI identities' trust of GitHub's OIDC provider, naming both roles and the provider exactly", () => {
        const rules = ofType(plan, ARCHIVE);
        assert.strictEqual(rules.length, 1);
        const [rule] = rules;
        assert.strictEqual(rule.accountId, SECURITY);
        assert.strictEqual(rule.props.analyzerName, "org-access-external-access");
        // The CI identities live in the management account by default (ci.account).
        assert.deepStrictEqual(rule.props.filters, [
            { criteria: "resourceType", eqs: ["AWS::IAM::Role"] },
            {
                criteria: "resource",
                eqs: [
                    `arn:aws:iam::${MANAGEMENT}:role/org-access-github-deploy`,
                    `arn:aws:iam::${MANAGEMENT}:role/org-access-github-preview`,
                ],
            },
            {
                criteria: "principal.Federated",
                eqs: [
                    `arn:aws:iam::${MANAGEMENT}:oidc-provider/token.actions.githubusercontent.com`,
                ],
            },
        ]);
        const out = plan.outputs.accessAnalyzer as { archiveRules: { name: string }[] };
        assert.deepStrictEqual(
            out.archiveRules.map((r) => r.name),
            ["org-access-ci-identities"],
        );
    });

    it("sends active findings of both analyzers to the management account's alarm topic through a role that may only publish there", () => {
        const rule = one(plan, RULE, "access-analyzer-findings");
        assert.strictEqual(rule.accountId, SECURITY);
        assert.deepStrictEqual(JSON.parse(String(rule.props.eventPattern)), {
            source: ["aws.access-analyzer"],
            "detail-type": ["Access Analyzer Finding", "Unused Access Finding for IAM entities"],
            detail: { status: ["ACTIVE"] },
        });
        const target = one(plan, TARGET, "access-analyzer-findings-target");
        assert.strictEqual(target.props.arn, TOPIC);
        assert.strictEqual(target.props.roleArn, PUBLISHER);
        const role = one(plan, "aws:iam/role:Role", "access-analyzer-publisher");
        assert.strictEqual(role.accountId, SECURITY);
        assert.deepStrictEqual(JSON.parse(String(role.props.assumeRolePolicy)).Statement, [
            {
                Effect: "Allow",
                Principal: { Service: "events.amazonaws.com" },
                Action: "sts:AssumeRole",
                Condition: { StringEquals: { "aws:SourceAccount": SECURITY } },
            },
        ]);
        const policy = JSON.parse(
            String(
                one(plan, "aws:iam/rolePolicy:RolePolicy", "access-analyzer-publisher-policy").props
                    .policy,
            ),
        );
        assert.deepStrictEqual(statement(policy, "PublishFindings"), {
            Sid: "PublishFindings",
            Effect: "Allow",
            Action: "sns:Publish",
            Resource: TOPIC,
        });
    });

    it("lets exactly that role publish to the topic and use its key, by ARN condition on the security account", () => {
        const exact = {
            Effect: "Allow",
            Principal: { AWS: `arn:aws:iam::${SECURITY}:root` },
            Condition: { ArnEquals: { "aws:PrincipalArn": PUBLISHER } },
        };
        const topic = JSON.parse(String(ofType(plan, TOPIC_POLICY)[0].props.policy));
        assert.deepStrictEqual(statement(topic, "PublisherPublish0"), {
            Sid: "PublisherPublish0",
            ...exact,
            Action: "sns:Publish",
            Resource: TOPIC,
        });
        const key = ofType(plan, KEY).find((k) => k.name === "detection-key")!;
        assert.deepStrictEqual(
            statement(JSON.parse(String(key.props.policy)), "PublisherEncrypt0"),
            {
                Sid: "PublisherEncrypt0",
                ...exact,
                Action: ["kms:Decrypt", "kms:GenerateDataKey*"],
                Resource: "*",
            },
        );
    });

    it("reserves the publisher role to the deploy roles in the SCP that protects org-access's roles", async () => {
        const p = await planSecurity(
            securityValues({
                accessAnalyzer: {},
                guardrails: { targets: ["r-abcd1234"] },
                breakGlass: { users: ["dana-breakglass"] },
            }),
            projectWith({ workload }),
        );
        const roles = ofType(p, "aws:organizations/policy:Policy").find(
            (r) => r.props.name === "org-access-roles",
        )!;
        const protect = statement(JSON.parse(String(roles.props.content)), "ProtectOrgAccessRoles");
        assert.ok(
            protect.Resource.includes("arn:aws:iam::*:role/OrgAccessFindingsPublisher"),
            JSON.stringify(protect.Resource),
        );
        const before = await planSecurity(
            securityValues({
                guardrails: { targets: ["r-abcd1234"] },
                breakGlass: { users: ["dana-breakglass"] },
            }),
            projectWith({ workload }),
        );
        const plain = ofType(before, "aws:organizations/policy:Policy").find(
            (r) => r.props.name === "org-access-roles",
        )!;
        assert.ok(!String(plain.props.content).includes("OrgAccessFindingsPublisher"));
    });

    it("takes unusedAccessAge from config", async () => {
        const p = await planSecurity(
            securityValues({ accessAnalyzer: { unusedAccessAge: 30 } }),
            projectWith({ workload }),
        );
        assert.deepStrictEqual(one(p, ANALYZER, "access-analyzer-unused").props.configuration, {
            unusedAccess: { unusedAccessAge: 30 },
        });
        // Without CI, the program designs no access an organization analyzer would report.
        assert.deepStrictEqual(ofType(p, ARCHIVE), []);
    });

    it("validates every problem at once: the age's range and kind, unknown keys, and the management account as the security account", () => {
        assert.deepStrictEqual(
            problemsOf({ accessAnalyzer: { unusedAccessAge: 0, extra: true } }),
            [
                `* org-access:accessAnalyzer.unusedAccessAge: must be at least 1 day (AWS accepts 1 to 365) (got 0) (fix with: pulumi config set --path 'accessAnalyzer.unusedAccessAge' <value>)`,
                `* org-access:accessAnalyzer.extra: unknown key (remove it with: pulumi config rm --path 'accessAnalyzer.extra'; allowed keys here: unusedAccessAge)`,
            ],
        );
        assert.match(
            problemsOf({ accessAnalyzer: { unusedAccessAge: 366 } }).join("\n"),
            /accessAnalyzer\.unusedAccessAge: must be at most 365 days/,
        );
        assert.match(
            problemsOf({ accessAnalyzer: { unusedAccessAge: 1.5 } }).join("\n"),
            /accessAnalyzer\.unusedAccessAge: must be a whole number of days/,
        );
        const same = problemsOf({
            securityAccountId: MANAGEMENT,
            accessAnalyzer: {},
            rootAccess: "yes",
        });
        assert.ok(
            same.some((l) =>
                l.startsWith(
                    "* org-access:accessAnalyzer: the security account is the management account, which cannot be registered as Access Analyzer's delegated administrator",
                ),
            ),
            same.join("\n"),
        );
        assert.ok(
            same.some((l) => l.startsWith("* org-access:rootAccess:")),
            same.join("\n"),
        );
    });
});

describe("archive rules are never broad", () => {
    const exact: ArchiveRuleDefinition = {
        name: "ok",
        reason: "test",
        filters: [
            { criteria: "resource", eqs: [`arn:aws:iam::${SECURITY}:role/A`] },
            { criteria: "principal.AWS", eqs: ["210987654321"] },
        ],
    };

    it("accepts a rule naming exact resources and principals", () => {
        assert.deepStrictEqual(archiveRuleProblems(exact), []);
    });

    it("refuses a rule without a resource, without a principal, with no filter, or with a wildcard", () => {
        assert.match(
            archiveRuleProblems({ ...exact, filters: [exact.filters[1]] }).join(),
            /names no resource ARN/,
        );
        assert.match(
            archiveRuleProblems({ ...exact, filters: [exact.filters[0]] }).join(),
            /names no principal/,
        );
        assert.strictEqual(archiveRuleProblems({ ...exact, filters: [] }).length, 2);
        assert.match(
            archiveRuleProblems({
                ...exact,
                filters: [
                    { criteria: "resource", eqs: ["arn:aws:iam::*:role/*"] },
                    exact.filters[1],
                ],
            }).join(),
            /must be exact/,
        );
        assert.match(
            archiveRuleProblems({
                ...exact,
                filters: [{ criteria: "resource", eqs: [] }, exact.filters[1]],
            }).join(),
            /names no resource ARN/,
        );
        assert.match(
            archiveRuleProblems({ ...exact, name: "1bad name" }).join(),
            /name must match/,
        );
    });

    it("the component refuses a broad rule before registering anything", async () => {
        const { OrgAccessAnalyzer } = await import("../../components/accessAnalyzer");
        const err = await rejection(
            planComponents((_, p) => {
                new OrgAccessAnalyzer("aa", {
                    managementProvider: p.management,
                    securityProvider: p.security,
                    securityAccountId: SECURITY,
                    partition: "aws",
                    unusedAccessAge: 90,
                    archiveRules: [{ name: "everything", reason: "no", filters: [] }],
                    alarmTopicArn: TOPIC,
                });
            }),
        );
        assert.match(err.message, /archive rule "everything": names no resource ARN/);
    });

    it("the findings pattern matches only active findings", () => {
        assert.deepStrictEqual(ACTIVE_FINDINGS_PATTERN.detail, { status: ["ACTIVE"] });
    });
});
