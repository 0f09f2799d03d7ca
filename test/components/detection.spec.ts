import * as assert from "assert";
import { ConfigError, validateSecurityConfig } from "../../config";
import { CIS_ALARMS } from "../../components/detection";
import { PlanResult } from "../../plan/run";
import {
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

const FILTER = "aws:cloudwatch/logMetricFilter:LogMetricFilter";
const ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm";

describe("Detection", () => {
    let plan: PlanResult;
    const topicArn = `arn:aws:sns:us-east-1:${MANAGEMENT}:org-access-security-alarms`;
    before(async () => {
        const root = projectWith({
            workload: {
                securityAccountId: SECURITY,
                workloadAccounts: [{ name: "prod", accountId: PROD }],
            },
        });
        plan = await planSecurity(
            securityValues({ alarms: { emails: ["security@example.com", "oncall@example.com"] } }),
            root,
        );
    });

    it("filters the trail's log group for the whole CIS 4.1-4.15 set and org-access's three access alarms", () => {
        const filters = ofType(plan, FILTER);
        assert.deepStrictEqual(
            filters.map((f) => f.props.name),
            [
                ...CIS_ALARMS.map((a) => `org-access-${a.id}`),
                "org-access-failed-assume-role",
                "org-access-break-glass-assume-role",
                "org-access-trust-policy-changes",
            ],
        );
        assert.deepStrictEqual(
            CIS_ALARMS.map((a) => a.control),
            Array.from({ length: 15 }, (_, i) => `CIS 4.${i + 1}`),
        );
        for (const f of filters) {
            assert.strictEqual(f.props.logGroupName, "/org-access/cloudtrail/org-access");
            assert.deepStrictEqual(f.props.metricTransformation, {
                name: String(f.props.name).replace("org-access-", ""),
                namespace: "org-access/CloudTrail",
                value: "1",
            });
            assert.strictEqual(f.accountId, MANAGEMENT);
        }
    });

    it("uses the documented CIS patterns and the access patterns the issue asks for", () => {
        const pattern = (id: string) => one(plan, FILTER, `detection-${id}`).props.pattern;
        assert.strictEqual(
            pattern("root-usage"),
            '{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }',
        );
        assert.strictEqual(
            pattern("unauthorized-api-calls"),
            '{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") }',
        );
        assert.strictEqual(
            pattern("cloudtrail-changes"),
            "{ ($.eventName = CreateTrail) || ($.eventName = UpdateTrail) || ($.eventName = DeleteTrail) || ($.eventName = StartLogging) || ($.eventName = StopLogging) }",
        );
        assert.strictEqual(
            pattern("cmk-disabled-or-deleted"),
            "{ ($.eventSource = kms.amazonaws.com) && (($.eventName = DisableKey) || ($.eventName = ScheduleKeyDeletion)) }",
        );
        assert.match(
            String(pattern("organizations-changes")),
            /^\{ \(\$\.eventSource = organizations\.amazonaws\.com\) && \(.*\(\$\.eventName = LeaveOrganization\).*\) \}$/,
        );
        assert.match(
            String(pattern("vpc-changes")),
            /\(\$\.eventName = CreateVpcPeeringConnection\)/,
        );
        assert.strictEqual(
            pattern("failed-assume-role"),
            '{ ($.eventSource = "sts.amazonaws.com") && ($.eventName = "AssumeRole") && ($.errorCode = "AccessDenied") }',
        );
        assert.strictEqual(
            pattern("break-glass-assume-role"),
            '{ ($.eventSource = "sts.amazonaws.com") && ($.eventName = "AssumeRole") && ($.requestParameters.roleArn = "*:role/BreakGlassRole") }',
        );
        assert.strictEqual(
            pattern("trust-policy-changes"),
            '{ ($.eventSource = "iam.amazonaws.com") && ($.eventName = "UpdateAssumeRolePolicy") }',
        );
    });

    it("alarms on the first matching event and notifies the topic", () => {
        const alarms = ofType(plan, ALARM);
        assert.strictEqual(alarms.length, 18);
        for (const a of alarms) {
            const {
                name,
                metricName,
                namespace,
                statistic,
                period,
                evaluationPeriods,
                threshold,
                comparisonOperator,
                treatMissingData,
                alarmActions,
            } = a.props;
            assert.deepStrictEqual(
                {
                    name,
                    metricName,
                    namespace,
                    statistic,
                    period,
                    evaluationPeriods,
                    threshold,
                    comparisonOperator,
                    treatMissingData,
                    alarmActions,
                },
                {
                    name: `org-access-${String(metricName)}`,
                    metricName,
                    namespace: "org-access/CloudTrail",
                    statistic: "Sum",
                    period: 300,
                    evaluationPeriods: 1,
                    threshold: 1,
                    comparisonOperator: "GreaterThanOrEqualToThreshold",
                    treatMissingData: "notBreaching",
                    alarmActions: [topicArn],
                },
            );
            assert.strictEqual(a.accountId, MANAGEMENT);
        }
        assert.match(
            String(one(plan, ALARM, "detection-root-usage-alarm").props.alarmDescription),
            /^CIS 4\.3: /,
        );
    });

    it("encrypts the topic with its own rotated key that only our alarms may use, and keeps the key", () => {
        const key = one(plan, "aws:kms/key:Key", "detection-key");
        assert.strictEqual(key.accountId, MANAGEMENT);
        assert.strictEqual(key.props.enableKeyRotation, true);
        assert.deepStrictEqual([key.options.protect, key.options.retainOnDelete], [true, true]);
        const fromAlarms = {
            StringEquals: { "aws:SourceAccount": MANAGEMENT },
            ArnLike: {
                "aws:SourceArn": `arn:aws:cloudwatch:us-east-1:${MANAGEMENT}:alarm:org-access-*`,
            },
        };
        const use = statement(key.props.policy, "CloudWatchAlarmsEncrypt");
        assert.deepStrictEqual(
            [use.Principal, use.Action, use.Condition],
            [
                { Service: "cloudwatch.amazonaws.com" },
                ["kms:Decrypt", "kms:GenerateDataKey*"],
                fromAlarms,
            ],
        );
        const topic = one(plan, "aws:sns/topic:Topic", "detection-topic");
        assert.strictEqual(
            topic.props.kmsMasterKeyId,
            key.id ? `arn:aws:kms:us-east-1:${MANAGEMENT}:key/${key.id}` : undefined,
        );
        const policy = one(plan, "aws:sns/topicPolicy:TopicPolicy", "detection-topic-policy").props
            .policy;
        assert.deepStrictEqual(statement(policy, "CloudWatchAlarmsPublish").Condition, fromAlarms);
        assert.deepStrictEqual(statement(policy, "DenyInsecureTransport").Condition, {
            Bool: { "aws:SecureTransport": "false" },
        });
    });

    it("subscribes every configured address by email, and none by default", async () => {
        assert.deepStrictEqual(
            ofType(plan, "aws:sns/topicSubscription:TopicSubscription").map((s) => [
                s.props.protocol,
                s.props.endpoint,
                s.props.topic,
            ]),
            [
                ["email", "security@example.com", topicArn],
                ["email", "oncall@example.com", topicArn],
            ],
        );
        const root = projectWith({
            workload: {
                securityAccountId: SECURITY,
                workloadAccounts: [{ name: "prod", accountId: PROD }],
            },
        });
        const bare = await planSecurity(securityValues(), root);
        assert.deepStrictEqual(ofType(bare, "aws:sns/topicSubscription:TopicSubscription"), []);
        assert.strictEqual(
            ofType(bare, ALARM).length,
            18,
            "the alarms exist even before anyone subscribes",
        );
        assert.strictEqual(bare.outputs.alarmTopicArn, topicArn);
    });

    it("rejects a malformed email address and a scalar list, naming the key", () => {
        try {
            validateSecurityConfig({
                values: securityValues({
                    alarms: { emails: ["security@example.com", "not-an-address", "a@b"] },
                }),
                region: "us-east-1",
            });
            assert.fail("expected a ConfigError");
        } catch (e) {
            assert.ok(e instanceof ConfigError, String(e));
            assert.deepStrictEqual(e.message.split("\n").slice(1), [
                `* org-access:alarms.emails[1]: must be an email address such as security@example.com (got "not-an-address") (fix with: pulumi config set --path 'alarms.emails[1]' <value>)`,
                `* org-access:alarms.emails[2]: must be an email address such as security@example.com (got "a@b") (fix with: pulumi config set --path 'alarms.emails[2]' <value>)`,
            ]);
        }
    });
});
