import * as assert from "assert";
import { ConfigError, LOG_ARCHIVE_ADMIN_ROLE, validateSecurityConfig } from "../../config";
import { accessAlarms, CIS_ALARMS } from "../../components/detection";
import { PlanResult } from "../../plan/run";
import {
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
} from "../helpers";
import { childrenOf, planComponents } from "../helpers/components";

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

    it("filters the trail's log group for the whole CIS 4.1-4.15 set and org-access's four access alarms", () => {
        const filters = ofType(plan, FILTER);
        assert.deepStrictEqual(
            filters.map((f) => f.props.name),
            [
                ...CIS_ALARMS.map((a) => `org-access-${a.id}`),
                "org-access-failed-assume-role",
                "org-access-break-glass-assume-role",
                "org-access-assume-root",
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
            '{ ($.errorCode = "*UnauthorizedOperation") || (($.errorCode = "AccessDenied*") && ($.sourceIPAddress != "delivery.logs.amazonaws.com") && ($.eventName != "HeadBucket")) }',
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
            '{ ($.eventSource = "sts.amazonaws.com") && ($.eventName = "AssumeRole") && (($.requestParameters.roleArn = "*:role/BreakGlassRole") || ($.requestParameters.roleArn = "*:role/OrgAccessLogArchiveAdmin")) }',
        );
        assert.strictEqual(
            pattern("trust-policy-changes"),
            '{ ($.eventSource = "iam.amazonaws.com") && ($.eventName = "UpdateAssumeRolePolicy") }',
        );
    });

    it("alarms on the first matching event and notifies the topic", () => {
        const alarms = ofType(plan, ALARM);
        assert.strictEqual(alarms.length, 19);
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
            19,
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
                `* org-access:alarms.emails[1]: must be an email address such as security@example.com (got "not-an-address") (fix with: pulumi config set --path 'org-access:alarms.emails[1]' security@example.com)`,
                `* org-access:alarms.emails[2]: must be an email address such as security@example.com (got "a@b") (fix with: pulumi config set --path 'org-access:alarms.emails[2]' security@example.com)`,
            ]);
        }
    });
});

/**
 * A small reading of CloudWatch Logs JSON filter patterns, enough for the patterns above: `=` and
 * `!=` on a `$.a.b` selector with a quoted or bare value, `*` as a wildcard, `NOT EXISTS`, `&&`,
 * `||` and parentheses. It refuses what it cannot read with certainty: a pattern that mixes `&&`
 * and `||` at one level (that would rest on operator precedence) and `!=` on a field the event
 * lacks.
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/matching-terms-json-log-events.html
 */
type Matcher = (event: Record<string, unknown>) => boolean;

function compileFilterPattern(pattern: string): Matcher {
    const m = /^\{(.*)\}$/s.exec(pattern.trim());
    if (!m) throw new Error(`not a JSON filter pattern: ${pattern}`);
    const tokens =
        m[1].match(/"(?:[^"\\]|\\.)*"|&&|\|\||!=|=|\(|\)|NOT EXISTS|\$[\w.[\]]+|[^\s()"=!&|]+/g) ??
        [];
    let at = 0;
    const peek = () => tokens[at];
    const next = () => tokens[at++];
    const field = (event: Record<string, unknown>, selector: string): unknown =>
        selector
            .slice(2)
            .split(".")
            .reduce<unknown>(
                (v, k) =>
                    v !== null && typeof v === "object"
                        ? (v as Record<string, unknown>)[k]
                        : undefined,
                event,
            );
    const glob = (value: string) =>
        new RegExp(
            `^${value
                .split("*")
                .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
                .join(".*")}$`,
        );
    const comparison = (): Matcher => {
        const selector = next();
        if (!selector?.startsWith("$.")) throw new Error(`expected a selector at "${selector}"`);
        const op = next();
        if (op === "NOT EXISTS") return (e) => field(e, selector) === undefined;
        if (op !== "=" && op !== "!=") throw new Error(`unsupported operator "${op}"`);
        const raw = next();
        if (raw === undefined) throw new Error("missing value");
        const re = glob(raw.startsWith('"') ? (JSON.parse(raw) as string) : raw);
        return (e) => {
            const v = field(e, selector);
            if (v === undefined) {
                if (op === "!=") throw new Error(`${selector} is absent: "!=" is not modelled`);
                return false;
            }
            return re.test(String(v)) === (op === "=");
        };
    };
    const term = (): Matcher => {
        if (peek() !== "(") return comparison();
        next();
        const inner = expression();
        if (next() !== ")") throw new Error("unbalanced parentheses");
        return inner;
    };
    const expression = (): Matcher => {
        const parts = [term()];
        let joiner: string | undefined;
        while (peek() === "&&" || peek() === "||") {
            const op = next();
            if (joiner && op !== joiner)
                throw new Error(`mixes && and || without parentheses: ${pattern}`);
            joiner = op;
            parts.push(term());
        }
        return joiner === "||" ? (e) => parts.some((p) => p(e)) : (e) => parts.every((p) => p(e));
    };
    const result = expression();
    if (at !== tokens.length) throw new Error(`unread input at "${peek()}" in ${pattern}`);
    return result;
}

/** A CloudTrail record with the fields the filters read. */
function cloudTrailEvent(fields: Record<string, unknown>): Record<string, unknown> {
    return {
        eventVersion: "1.09",
        eventSource: "ec2.amazonaws.com",
        eventName: "DescribeInstances",
        sourceIPAddress: "203.0.113.10",
        userIdentity: { type: "AssumedRole", accountId: PROD },
        eventType: "AwsApiCall",
        recipientAccountId: PROD,
        ...fields,
    };
}

describe("Detection filter patterns, evaluated on sample CloudTrail events", () => {
    let plan: PlanResult;
    const matcher = (id: string) =>
        compileFilterPattern(String(one(plan, FILTER, `detection-${id}`).props.pattern));
    before(async () => {
        const root = projectWith({
            workload: {
                securityAccountId: SECURITY,
                workloadAccounts: [{ name: "prod", accountId: PROD }],
            },
        });
        plan = await planSecurity(securityValues(), root);
    });

    it("reads every planned pattern without relying on && / || precedence", () => {
        const filters = ofType(plan, FILTER);
        assert.strictEqual(filters.length, 19);
        for (const f of filters)
            assert.doesNotThrow(() => compileFilterPattern(String(f.props.pattern)), f.name);
        // The reader itself refuses the ungrouped form CIS prints.
        assert.throws(
            () =>
                compileFilterPattern(
                    '{ ($.errorCode ="*UnauthorizedOperation") || ($.errorCode ="AccessDenied*") && ($.sourceIPAddress!="delivery.logs.amazonaws.com") && ($.eventName!="HeadBucket") }',
                ),
            /mixes && and \|\| without parentheses/,
        );
    });

    it("CIS 4.1 counts denied API calls, but not HeadBucket probes or the log delivery service", () => {
        const unauthorized = matcher("unauthorized-api-calls");
        const counted: [string, Record<string, unknown>][] = [
            [
                "an AccessDenied on GetObject",
                {
                    eventSource: "s3.amazonaws.com",
                    eventName: "GetObject",
                    errorCode: "AccessDenied",
                },
            ],
            [
                "an AccessDeniedException",
                {
                    eventSource: "kms.amazonaws.com",
                    eventName: "Decrypt",
                    errorCode: "AccessDeniedException",
                },
            ],
            ["an EC2 Client.UnauthorizedOperation", { errorCode: "Client.UnauthorizedOperation" }],
            [
                "an UnauthorizedOperation",
                { eventName: "RunInstances", errorCode: "UnauthorizedOperation" },
            ],
            [
                "a denied AssumeRole",
                {
                    eventSource: "sts.amazonaws.com",
                    eventName: "AssumeRole",
                    errorCode: "AccessDenied",
                },
            ],
            [
                "an AccessDenied on a bucket, from elsewhere than log delivery",
                {
                    eventSource: "s3.amazonaws.com",
                    eventName: "GetBucketAcl",
                    errorCode: "AccessDenied",
                },
            ],
        ];
        const ignored: [string, Record<string, unknown>][] = [
            [
                "an AccessDenied HeadBucket",
                {
                    eventSource: "s3.amazonaws.com",
                    eventName: "HeadBucket",
                    errorCode: "AccessDenied",
                },
            ],
            [
                "an AccessDenied from delivery.logs.amazonaws.com",
                {
                    eventSource: "s3.amazonaws.com",
                    eventName: "GetBucketAcl",
                    sourceIPAddress: "delivery.logs.amazonaws.com",
                    errorCode: "AccessDenied",
                },
            ],
            ["a successful call", { eventName: "DescribeInstances" }],
            ["another error", { eventName: "GetBucketPolicy", errorCode: "NoSuchBucketPolicy" }],
        ];
        for (const [what, fields] of counted)
            assert.strictEqual(unauthorized(cloudTrailEvent(fields)), true, `${what} must count`);
        for (const [what, fields] of ignored)
            assert.strictEqual(
                unauthorized(cloudTrailEvent(fields)),
                false,
                `${what} must not count`,
            );
    });

    it("alarms on every AssumeRole of BreakGlassRole and of the log-archive admin role, in any account", () => {
        const breakGlass = matcher("break-glass-assume-role");
        const assumeRole = (roleArn: string, errorCode?: string) =>
            cloudTrailEvent({
                eventSource: "sts.amazonaws.com",
                eventName: "AssumeRole",
                requestParameters: { roleArn, roleSessionName: "someone" },
                ...(errorCode ? { errorCode } : {}),
            });
        for (const arn of [
            `arn:aws:iam::${PROD}:role/BreakGlassRole`,
            `arn:aws:iam::${LOG_ARCHIVE}:role/${LOG_ARCHIVE_ADMIN_ROLE}`,
            `arn:aws-us-gov:iam::${LOG_ARCHIVE}:role/${LOG_ARCHIVE_ADMIN_ROLE}`,
        ]) {
            assert.strictEqual(breakGlass(assumeRole(arn)), true, `${arn}, successful`);
            assert.strictEqual(breakGlass(assumeRole(arn, "AccessDenied")), true, `${arn}, denied`);
        }
        for (const arn of [
            `arn:aws:iam::${PROD}:role/SecurityAuditRole`,
            `arn:aws:iam::${LOG_ARCHIVE}:role/Not${LOG_ARCHIVE_ADMIN_ROLE}`,
            `arn:aws:iam::${LOG_ARCHIVE}:role/${LOG_ARCHIVE_ADMIN_ROLE}Copy`,
        ])
            assert.strictEqual(breakGlass(assumeRole(arn)), false, arn);
        // Only sts:AssumeRole: a GetRole on the role is not a use of it.
        assert.strictEqual(
            breakGlass(
                cloudTrailEvent({
                    eventSource: "iam.amazonaws.com",
                    eventName: "GetRole",
                    requestParameters: {
                        roleArn: `arn:aws:iam::${LOG_ARCHIVE}:role/${LOG_ARCHIVE_ADMIN_ROLE}`,
                    },
                }),
            ),
            false,
        );
        assert.match(
            String(
                one(plan, ALARM, "detection-break-glass-assume-role-alarm").props.alarmDescription,
            ),
            new RegExp(`BreakGlassRole or ${LOG_ARCHIVE_ADMIN_ROLE}`),
        );
        assert.deepStrictEqual(
            accessAlarms("BreakGlassRole", LOG_ARCHIVE_ADMIN_ROLE).map((a) => a.id),
            [
                "failed-assume-role",
                "break-glass-assume-role",
                "assume-root",
                "trust-policy-changes",
            ],
        );
    });
});

describe("Detection, constructed directly with the log group's account provider", () => {
    const TYPE = "org-access:detection:Detection";
    let plan: PlanResult;
    const defs = [...CIS_ALARMS, ...accessAlarms("BreakGlassRole", LOG_ARCHIVE_ADMIN_ROLE)];
    before(async () => {
        const { Detection } = await import("../../components/detection");
        plan = await planComponents((_, p) => {
            new Detection(
                "alarms",
                {
                    logGroupName: "/example/trail",
                    accountId: MANAGEMENT,
                    region: "us-east-1",
                    breakGlassRoleName: "BreakGlassRole",
                    logArchiveAdminRoleName: LOG_ARCHIVE_ADMIN_ROLE,
                    emails: ["a@example.com", "b@example.com"],
                },
                { provider: p.management },
            );
        });
    });

    it("creates the topic, its key and policy, one subscription per email, and a filter and alarm per definition, in that account", () => {
        const children = childrenOf(plan, TYPE, "alarms");
        assert.deepStrictEqual(
            children.map((r) => r.name).sort(),
            [
                "alarms-key",
                "alarms-topic",
                "alarms-topic-policy",
                "alarms-email-0",
                "alarms-email-1",
                ...defs.flatMap((d) => [`alarms-${d.id}`, `alarms-${d.id}-alarm`]),
            ].sort(),
        );
        for (const r of children) assert.strictEqual(r.accountId, MANAGEMENT, r.name);
        assert.deepStrictEqual(
            ofType(plan, "aws:sns/topicSubscription:TopicSubscription").map(
                (s) => s.props.endpoint,
            ),
            ["a@example.com", "b@example.com"],
        );
    });

    it("keeps the topic's key through a destroy, and filters the given log group for each pattern", () => {
        const key = one(plan, "aws:kms/key:Key", "alarms-key");
        assert.ok(key.options.protect && key.options.retainOnDelete);
        for (const d of defs) {
            const filter = one(plan, FILTER, `alarms-${d.id}`);
            assert.strictEqual(filter.props.logGroupName, "/example/trail");
            assert.strictEqual(filter.props.pattern, d.pattern);
            const alarm = one(plan, ALARM, `alarms-${d.id}-alarm`);
            assert.strictEqual(alarm.props.metricName, d.id);
            assert.strictEqual(alarm.props.threshold, 1);
        }
    });

    it("requires the provider of the log group's account", async () => {
        const { Detection } = await import("../../components/detection");
        const e = await rejection(
            planComponents(() => {
                new Detection(
                    "alarms",
                    {
                        logGroupName: "/example/trail",
                        accountId: MANAGEMENT,
                        region: "us-east-1",
                        breakGlassRoleName: "BreakGlassRole",
                        logArchiveAdminRoleName: LOG_ARCHIVE_ADMIN_ROLE,
                        emails: [],
                    },
                    {},
                );
            }),
        );
        assert.match(
            e.message,
            /Detection alarms: the provider of the log group's account is required/,
        );
    });
});
