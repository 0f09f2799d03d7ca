import * as assert from "assert";
import { ConfigError, validateSecurityConfig } from "../../config";
import {
    ACTIVE_FINDINGS_PATTERN,
    archiveRuleProblems,
    ArchiveRuleDefinition,
} from "../../components/accessAnalyzer";
import { engineModel } from "../../plan/engine";
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
            `* org-access:rootAccess: must be "centralized" (or leave the key out to keep root access as it is) (got "enabled") (fix with: pulumi config set org-access:rootAccess centralized)`,
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
            detail: { status: ["ACTIVE"], isDeleted: [false] },
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
                Condition: {
                    StringEquals: { "aws:SourceAccount": SECURITY },
                    ArnEquals: {
                        "aws:SourceArn": [
                            `arn:aws:events:us-east-1:${SECURITY}:rule/org-access-access-analyzer-findings`,
                        ],
                    },
                },
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
        // One Region: nothing to forward, so no events:PutEvents.
        assert.deepStrictEqual(
            policy.Statement.map((s: { Sid: string }) => s.Sid),
            ["PublishFindings", "UseTopicKey"],
        );
    });

    it("replaces an analyzer (fixed name) by deleting it first", () => {
        for (const a of ofType(plan, ANALYZER))
            assert.strictEqual(a.options.deleteBeforeReplace, true, a.name);
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
                `* org-access:accessAnalyzer.unusedAccessAge: must be at least 1 day (AWS accepts 1 to 365) (got 0) (fix with: pulumi config set --path 'org-access:accessAnalyzer.unusedAccessAge' 90)`,
                `* org-access:accessAnalyzer.extra: unknown key (remove it with: pulumi config rm --path 'org-access:accessAnalyzer.extra'; allowed keys here: unusedAccessAge, regions)`,
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

describe("accessAnalyzer.regions: external access is regional", () => {
    const HOME_BUS = `arn:aws:events:us-east-1:${SECURITY}:event-bus/default`;
    const ruleArn = (region: string) =>
        `arn:aws:events:${region}:${SECURITY}:rule/org-access-access-analyzer-findings`;
    let single: PlanResult;
    let multi: PlanResult;
    before(async () => {
        single = await planSecurity(
            securityValues({ accessAnalyzer: {}, ci }),
            projectWith({ workload }),
        );
        multi = await planSecurity(
            securityValues({
                accessAnalyzer: { regions: ["us-east-1", "eu-west-1", "ap-southeast-2"] },
                ci,
            }),
            projectWith({ workload }),
        );
    });

    const regionOf = (r: { provider?: { props: Record<string, unknown> } }) =>
        r.provider?.props.region;

    it("creates an external-access analyzer in every Region, each through the security account's provider there, and the unused-access analyzer once", () => {
        const external = ofType(multi, ANALYZER).filter((a) => a.props.type === "ORGANIZATION");
        assert.deepStrictEqual(
            external.map((a) => [a.name, regionOf(a), a.provider?.name, a.accountId]).sort(),
            [
                ["access-analyzer-external", "us-east-1", "security", SECURITY],
                [
                    "access-analyzer-external-ap-southeast-2",
                    "ap-southeast-2",
                    "security-ap-southeast-2",
                    SECURITY,
                ],
                ["access-analyzer-external-eu-west-1", "eu-west-1", "security-eu-west-1", SECURITY],
            ],
        );
        for (const a of external) {
            assert.strictEqual(a.props.analyzerName, "org-access-external-access");
            assert.deepStrictEqual(a.options.dependsOn, ["access-analyzer-delegated-admin"]);
        }
        const unused = ofType(multi, ANALYZER).filter(
            (a) => a.props.type === "ORGANIZATION_UNUSED_ACCESS",
        );
        assert.deepStrictEqual(
            unused.map((a) => [a.name, regionOf(a)]),
            [["access-analyzer-unused", "us-east-1"]],
        );
        // The archive rule on every external-access analyzer, in its Region.
        assert.deepStrictEqual(
            ofType(multi, ARCHIVE)
                .map((r) => [r.name, regionOf(r)])
                .sort(),
            [
                ["access-analyzer-archive-org-access-ci-identities", "us-east-1"],
                [
                    "access-analyzer-archive-org-access-ci-identities-ap-southeast-2",
                    "ap-southeast-2",
                ],
                ["access-analyzer-archive-org-access-ci-identities-eu-west-1", "eu-west-1"],
            ],
        );
        // aws:region keeps its resource names and provider: nothing is replaced.
        for (const [type, name] of [
            [ANALYZER, "access-analyzer-external"],
            [RULE, "access-analyzer-findings"],
            [TARGET, "access-analyzer-findings-target"],
        ])
            assert.deepStrictEqual(
                [one(multi, type, name).urn, one(multi, type, name).provider?.name],
                [one(single, type, name).urn, one(single, type, name).provider?.name],
            );
    });

    it("forwards each other Region's active findings to aws:region's default bus, whose rule publishes them to the topic", () => {
        for (const region of ["eu-west-1", "ap-southeast-2"]) {
            const rule = one(multi, RULE, `access-analyzer-findings-${region}`);
            assert.strictEqual(regionOf(rule), region);
            assert.strictEqual(rule.accountId, SECURITY);
            assert.strictEqual(rule.props.name, "org-access-access-analyzer-findings");
            assert.deepStrictEqual(
                JSON.parse(String(rule.props.eventPattern)),
                ACTIVE_FINDINGS_PATTERN,
            );
            const target = one(multi, TARGET, `access-analyzer-findings-target-${region}`);
            assert.strictEqual(regionOf(target), region);
            assert.strictEqual(target.props.arn, HOME_BUS);
            assert.strictEqual(target.props.roleArn, PUBLISHER);
        }
        assert.strictEqual(one(multi, TARGET, "access-analyzer-findings-target").props.arn, TOPIC);
        // Only the exact rules may have EventBridge assume the role; it may forward to the home bus.
        const trust = JSON.parse(
            String(
                one(multi, "aws:iam/role:Role", "access-analyzer-publisher").props.assumeRolePolicy,
            ),
        );
        assert.deepStrictEqual(trust.Statement[0].Condition.ArnEquals, {
            "aws:SourceArn": ["us-east-1", "eu-west-1", "ap-southeast-2"].map(ruleArn),
        });
        const policy = JSON.parse(
            String(
                one(multi, "aws:iam/rolePolicy:RolePolicy", "access-analyzer-publisher-policy")
                    .props.policy,
            ),
        );
        assert.deepStrictEqual(statement(policy, "ForwardFindings"), {
            Sid: "ForwardFindings",
            Effect: "Allow",
            Action: "events:PutEvents",
            Resource: HOME_BUS,
        });
        // One provider process more per other Region for the engine.
        assert.strictEqual(
            engineModel(multi.resources).providers,
            engineModel(single.resources).providers + 2,
        );
        assert.deepStrictEqual((multi.outputs.accessAnalyzer as { regions: string[] }).regions, [
            "us-east-1",
            "eu-west-1",
            "ap-southeast-2",
        ]);
    });

    it("covers guardrails.allowedRegions by default, and aws:region alone without them", async () => {
        const p = await planSecurity(
            securityValues({
                accessAnalyzer: {},
                guardrails: { targets: ["r-abcd1234"], allowedRegions: ["us-east-1", "eu-west-1"] },
                breakGlass: { users: ["dana-breakglass"] },
            }),
            projectWith({ workload }),
        );
        assert.deepStrictEqual(
            ofType(p, ANALYZER)
                .filter((a) => a.props.type === "ORGANIZATION")
                .map(regionOf)
                .sort(),
            ["eu-west-1", "us-east-1"],
        );
        assert.deepStrictEqual(
            ofType(single, ANALYZER)
                .filter((a) => a.props.type === "ORGANIZATION")
                .map(regionOf),
            ["us-east-1"],
        );
        assert.deepStrictEqual(ofType(single, RULE).length, 1);
    });

    it("validates the regions, every problem at once: name, partition, repeats, aws:region, and exactly the allowed Regions", () => {
        assert.deepStrictEqual(
            problemsOf({
                accessAnalyzer: { regions: ["eu-west-1", "eu-west-1", "cn-north-1", "Mars"] },
            }),
            [
                `* org-access:accessAnalyzer.regions[3]: must be an AWS region name such as eu-west-1 (got "Mars") (fix with: pulumi config set --path 'org-access:accessAnalyzer.regions[3]' us-east-1)`,
                `* org-access:accessAnalyzer.regions[1]: "eu-west-1" is listed twice (also at accessAnalyzer.regions[0]) (list it once)`,
                `* org-access:accessAnalyzer.regions[2]: cn-north-1 is in partition aws-cn, but aws:region us-east-1 is in aws; one stack deploys to one partition (pulumi config rm --path 'org-access:accessAnalyzer.regions[2]')`,
                `* org-access:accessAnalyzer.regions: does not include aws:region us-east-1, where the unused-access analyzer is and from where findings reach the alarm topic (pulumi config set --path 'org-access:accessAnalyzer.regions[4]' us-east-1)`,
            ],
        );
        assert.deepStrictEqual(
            problemsOf({
                accessAnalyzer: { regions: ["us-east-1", "ap-southeast-2"] },
                guardrails: { targets: ["r-abcd1234"], allowedRegions: ["us-east-1", "eu-west-1"] },
                breakGlass: { users: ["dana-breakglass"] },
            }),
            [
                `* org-access:accessAnalyzer.regions: does not include eu-west-1, which guardrails.allowedRegions allows: external access there would raise no finding (pulumi config set --path 'org-access:accessAnalyzer.regions[2]' eu-west-1, or leave accessAnalyzer.regions out to cover guardrails.allowedRegions)`,
                `* org-access:accessAnalyzer.regions[1]: ap-southeast-2 is not in guardrails.allowedRegions, whose SCP denies it (pulumi config rm --path 'org-access:accessAnalyzer.regions[1]', or allow the region in guardrails.allowedRegions)`,
            ],
        );
        assert.deepStrictEqual(
            problemsOf({ accessAnalyzer: { regions: ["us-east-1", "eu-west-1"] } }),
            [],
        );
    });
});

/**
 * The subset of EventBridge's pattern syntax the findings pattern uses: a field matches when the
 * event's value equals one of the pattern's array values; a nested object matches the event's
 * nested object; every field of the pattern must match (fields the pattern omits are free).
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns.html
 */
function matches(pattern: Record<string, unknown>, event: Record<string, unknown>): boolean {
    return Object.entries(pattern).every(([key, want]) => {
        const got = event[key];
        if (Array.isArray(want)) {
            for (const w of want)
                if (w === null || typeof w === "object")
                    throw new Error(
                        `the test matcher knows exact values only, not ${JSON.stringify(w)}`,
                    );
            return Array.isArray(got)
                ? got.some((g) => want.includes(g))
                : want.some((w) => w === got);
        }
        if (want !== null && typeof want === "object")
            return (
                got !== null &&
                typeof got === "object" &&
                !Array.isArray(got) &&
                matches(want as Record<string, unknown>, got as Record<string, unknown>)
            );
        throw new Error(`a pattern field must be an array or an object: ${key}`);
    });
}

describe("the findings pattern against AWS's documented sample events", () => {
    // AWS's sample external-access finding event (IAM User Guide, "Monitoring IAM Access Analyzer
    // with Amazon EventBridge"), and the unused-access one of the same page.
    // https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-eventbridge.html
    const external = {
        account: "111122223333",
        detail: {
            accountId: "111122223333",
            action: ["s3:GetObject"],
            analyzedAt: "2019-11-21T01:22:22Z",
            condition: {},
            createdAt: "2019-11-20T04:58:50Z",
            id: "22222222-dcba-4444-dcba-333333333333",
            isDeleted: false,
            isPublic: false,
            principal: { AWS: "999988887777" },
            region: "us-west-2",
            resource: "arn:aws:s3:::my-bucket",
            resourceType: "AWS::S3::Bucket",
            status: "ACTIVE",
            updatedAt: "2019-11-21T01:14:07Z",
            version: "1.0",
        },
        "detail-type": "Access Analyzer Finding",
        id: "11111111-2222-4444-aaaa-333333333333",
        region: "us-west-2",
        resources: ["arn:aws:access-analyzer:us-west-2:111122223333:analyzer/MyAnalyzer"],
        source: "aws.access-analyzer",
        time: "2019-11-21T01:22:33Z",
        version: "0",
    };
    const unused = {
        version: "0",
        id: "dc7ce3ee-114b-3243-e249-7f7b79c6e2b7",
        "detail-type": "Unused Access Finding for IAM entities",
        source: "aws.access-analyzer",
        account: "111122223333",
        time: "2023-10-31T20:26:12Z",
        region: "us-east-1",
        resources: [
            "arn:aws:access-analyzer:us-east-1:111122223333:analyzer/integTestResourceExtAnalyzer",
        ],
        detail: {
            findingId: "ab2d69a2-7ba3-4ab5-8f1e-f9e8fc4a3bd0",
            resource: "arn:aws:iam::111122223333:role/TestRole",
            resourceType: "AWS::IAM::Role",
            accountId: "111122223333",
            createdAt: "2023-10-31T20:26:08.647Z",
            analyzedAt: "2023-10-31T20:26:08.647Z",
            updatedAt: "2023-10-31T20:26:09.333Z",
            status: "ACTIVE",
            isDeleted: false,
            findingType: "UnusedIAMRole",
        },
    };
    const withDetail = (e: typeof external | typeof unused, d: Record<string, unknown>) => ({
        ...e,
        detail: { ...e.detail, ...d },
    });

    it("sends an active external-access finding and an active unused-access finding", () => {
        assert.strictEqual(matches(ACTIVE_FINDINGS_PATTERN, external), true);
        assert.strictEqual(matches(ACTIVE_FINDINGS_PATTERN, unused), true);
        // A forwarded event (from another Region's rule) keeps its fields: it matches at home.
        assert.strictEqual(
            matches(ACTIVE_FINDINGS_PATTERN, { ...external, region: "ap-southeast-2" }),
            true,
        );
    });

    it("sends no archived, resolved or deleted finding, and no access-preview event", () => {
        for (const e of [external, unused]) {
            assert.strictEqual(
                matches(ACTIVE_FINDINGS_PATTERN, withDetail(e, { status: "ARCHIVED" })),
                false,
            );
            assert.strictEqual(
                matches(ACTIVE_FINDINGS_PATTERN, withDetail(e, { status: "RESOLVED" })),
                false,
            );
            // A deleted finding keeps its status (ACTIVE here) and says isDeleted: true.
            assert.strictEqual(
                matches(ACTIVE_FINDINGS_PATTERN, withDetail(e, { isDeleted: true })),
                false,
            );
        }
        assert.strictEqual(
            matches(ACTIVE_FINDINGS_PATTERN, {
                ...external,
                "detail-type": "Access Preview State Change",
                detail: { status: "COMPLETED" },
            }),
            false,
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
                    homeRegion: "us-east-1",
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
});
