import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ACCESS_ANALYZER_TYPE } from "../policypack/componentTypes";
import { arn, iamRoleArn, kmsKeyArn } from "./arns";
import { parseArn } from "../policypack/iam/arn";

/** Access Analyzer's service principal, for Organizations' trusted access and delegation. */
export const ACCESS_ANALYZER_SERVICE_PRINCIPAL = "access-analyzer.amazonaws.com";

/** The two analyzers' names in the security account. */
export const EXTERNAL_ACCESS_ANALYZER = "org-access-external-access";
export const UNUSED_ACCESS_ANALYZER = "org-access-unused-access";

/** The role EventBridge assumes in the security account to publish findings to the alarm topic. */
export const FINDINGS_PUBLISHER_ROLE = "OrgAccessFindingsPublisher";

/** The findings rule's name, the same in every Region (a rule's name is unique per Region and bus). */
export const FINDINGS_RULE = "org-access-access-analyzer-findings";

/**
 * The findings events that reach the alarm topic: new or changed external-access and unused-access
 * findings whose status is ACTIVE (an archived or resolved finding needs no one), and not the
 * event of a finding's deletion: a deleted finding keeps its status and carries `isDeleted: true`
 * (a resolved finding past its retention, or every finding of a deleted analyzer a day later).
 * https://docs.aws.amazon.com/eventbridge/latest/ref/events-ref-access-analyzer.html
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-eventbridge.html
 */
export const ACTIVE_FINDINGS_PATTERN = {
    source: ["aws.access-analyzer"],
    "detail-type": ["Access Analyzer Finding", "Unused Access Finding for IAM entities"],
    detail: { status: ["ACTIVE"], isDeleted: [false] },
};

/** The ARN of the findings rule on the default event bus of `region`. */
export function findingsRuleArn(partition: string, region: string, accountId: string): string {
    return arn(partition, "events", region, accountId, `rule/${FINDINGS_RULE}`);
}

/** The default event bus of `region`, which the other Regions' findings rules forward to. */
export function defaultEventBusArn(partition: string, region: string, accountId: string): string {
    return arn(partition, "events", region, accountId, "event-bus/default");
}

/** One `eq` criterion of an archive rule (IAM Access Analyzer filter keys). */
export interface ArchiveFilter {
    readonly criteria: string;
    readonly eqs: readonly string[];
}

/** One archive rule of the external-access analyzer, and why its findings are expected. */
export interface ArchiveRuleDefinition {
    /** Rule name: letters, digits and `_.-`, starting with a letter. */
    readonly name: string;
    /** The designed access it archives, in a sentence for the report. */
    readonly reason: string;
    readonly filters: readonly ArchiveFilter[];
}

/**
 * Why an archive rule is too broad, or nothing. A rule archives a finding when every criterion
 * matches, so it must name exactly the resources (`resource`, full ARNs) and exactly the
 * principals (`principal.AWS` or `principal.Federated`) it expects: without both, one rule could
 * archive findings about any resource or anyone. Only `eq` is written (no `contains`, `neq` or
 * `exists`), and no value may hold a wildcard, which the filter would take literally anyway.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-filter-keys.html
 */
export function archiveRuleProblems(rule: ArchiveRuleDefinition): string[] {
    const problems: string[] = [];
    if (!/^[A-Za-z][A-Za-z0-9_.-]{0,254}$/.test(rule.name))
        problems.push(`archive rule "${rule.name}": the name must match [A-Za-z][A-Za-z0-9_.-]*`);
    const named = (criteria: string[]) =>
        rule.filters.some((f) => criteria.includes(f.criteria) && f.eqs.length > 0);
    if (!named(["resource"]))
        problems.push(
            `archive rule "${rule.name}": names no resource ARN, so it would archive findings about any resource`,
        );
    if (!named(["principal.AWS", "principal.Federated"]))
        problems.push(
            `archive rule "${rule.name}": names no principal, so it would archive anyone's access`,
        );
    for (const f of rule.filters) {
        if (f.eqs.length === 0 || f.eqs.length > 20)
            problems.push(`archive rule "${rule.name}": ${f.criteria} must list 1 to 20 values`);
        for (const v of f.eqs)
            if (v.trim() === "" || v.includes("*"))
                problems.push(
                    `archive rule "${rule.name}": ${f.criteria} value "${v}" must be exact`,
                );
    }
    return problems;
}

export interface OrgAccessAnalyzerArgs {
    /** Provider of the management account: trusted access and the delegated administrator. */
    readonly managementProvider: aws.Provider;
    /** Provider of the security account in `homeRegion`: the analyzers, archive rules and the findings rule. */
    readonly securityProvider: aws.Provider;
    /** aws:region: the unused-access analyzer's Region and the one whose rule publishes to the topic. */
    readonly homeRegion: string;
    /**
     * The other Regions with an external-access analyzer, each with the security account's
     * provider there. Their findings are forwarded to the home Region's default event bus.
     */
    readonly otherRegions?: readonly { readonly region: string; readonly provider: aws.Provider }[];
    /** The security account, registered as Access Analyzer's delegated administrator. */
    readonly securityAccountId: string;
    /** AWS partition. */
    readonly partition: string;
    /** Days after which unused access is a finding (1-365). */
    readonly unusedAccessAge: number;
    /** Archive rules of the external-access analyzer: the program's own designed access only. */
    readonly archiveRules: readonly ArchiveRuleDefinition[];
    /**
     * The alarm topic (management account, same region) that active findings are sent to, its ARN
     * built from config: the publisher's policy names it, and its key through it.
     */
    readonly alarmTopicArn: pulumi.Input<string>;
    /** Tags for the analyzers, the role and the rule. */
    readonly tags?: Record<string, string>;
}

/**
 * IAM Access Analyzer for the whole organization. From the management account: trusted access for
 * Access Analyzer (which creates its service-linked role in the member accounts) and the security
 * account registered as its delegated administrator. In the security account: an ORGANIZATION
 * analyzer (external access) with the archive rules given, an ORGANIZATION_UNUSED_ACCESS analyzer,
 * and an EventBridge rule that sends active findings to the alarm topic of the management account,
 * through a role of the security account (EventBridge delivers to an SNS topic of another account
 * of the same region with an execution role of the rule's account).
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-settings.html#access-analyzer-delegated-administrator
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-service-cross-account.html
 */
export class OrgAccessAnalyzer extends pulumi.ComponentResource {
    public readonly trustedAccess: aws.organizations.AwsServiceAccess;
    public readonly delegatedAdministrator: aws.organizations.DelegatedAdministrator;
    public readonly externalAccess: aws.accessanalyzer.Analyzer;
    /** The external-access analyzers of the other Regions, by Region. */
    public readonly regionalExternalAccess: Record<string, aws.accessanalyzer.Analyzer>;
    public readonly unusedAccess: aws.accessanalyzer.Analyzer;
    public readonly archiveRules: aws.accessanalyzer.ArchiveRule[];
    public readonly publisherRole: aws.iam.Role;
    public readonly findingsRule: aws.cloudwatch.EventRule;
    public readonly findingsTarget: aws.cloudwatch.EventTarget;
    /** Each other Region's findings rule and its target, the home Region's default bus. */
    public readonly regionalFindings: {
        readonly region: string;
        readonly rule: aws.cloudwatch.EventRule;
        readonly target: aws.cloudwatch.EventTarget;
    }[];

    constructor(name: string, args: OrgAccessAnalyzerArgs, opts?: pulumi.ComponentResourceOptions) {
        if (opts?.provider)
            throw new Error(
                `OrgAccessAnalyzer ${name}: spans two accounts; give managementProvider and securityProvider in args, not opts.provider`,
            );
        const problems = args.archiveRules.flatMap(archiveRuleProblems);
        if (problems.length > 0)
            throw new Error(`OrgAccessAnalyzer ${name}: ${problems.join("; ")}`);
        super(ACCESS_ANALYZER_TYPE, name, {}, opts);
        const inManagement = { parent: this, provider: args.managementProvider };
        const inSecurity = { parent: this, provider: args.securityProvider };

        // Kept when removed: disabling trusted access through Organizations stops the service from
        // creating its service-linked role in new accounts and skips the clean-up its own tooling
        // would do; AWS recommends enabling and disabling it through the service.
        // https://docs.aws.amazon.com/organizations/latest/userguide/orgs_integrate_services.html
        this.trustedAccess = new aws.organizations.AwsServiceAccess(
            `${name}-trusted-access`,
            { servicePrincipal: ACCESS_ANALYZER_SERVICE_PRINCIPAL },
            { ...inManagement, retainOnDelete: true },
        );
        this.delegatedAdministrator = new aws.organizations.DelegatedAdministrator(
            `${name}-delegated-admin`,
            {
                accountId: args.securityAccountId,
                servicePrincipal: ACCESS_ANALYZER_SERVICE_PRINCIPAL,
            },
            { ...inManagement, dependsOn: [this.trustedAccess] },
        );
        // Analyzers have fixed names, unique per account and Region: a replacement must delete the
        // old one first, or the new one's create fails on the name.
        // https://www.pulumi.com/docs/iac/concepts/options/deletebeforereplace/
        const afterDelegation = {
            ...inSecurity,
            dependsOn: [this.delegatedAdministrator],
            deleteBeforeReplace: true,
        };
        const externalAnalyzer = (suffix: string, provider: aws.Provider) =>
            new aws.accessanalyzer.Analyzer(
                `${name}-external${suffix}`,
                { analyzerName: EXTERNAL_ACCESS_ANALYZER, type: "ORGANIZATION", tags: args.tags },
                { ...afterDelegation, provider },
            );
        this.externalAccess = externalAnalyzer("", args.securityProvider);
        const others = args.otherRegions ?? [];
        this.regionalExternalAccess = Object.fromEntries(
            others.map((o) => [o.region, externalAnalyzer(`-${o.region}`, o.provider)]),
        );
        this.unusedAccess = new aws.accessanalyzer.Analyzer(
            `${name}-unused`,
            {
                analyzerName: UNUSED_ACCESS_ANALYZER,
                type: "ORGANIZATION_UNUSED_ACCESS",
                configuration: { unusedAccess: { unusedAccessAge: args.unusedAccessAge } },
                tags: args.tags,
            },
            afterDelegation,
        );
        // Every external-access analyzer archives the same designed access: IAM roles are global,
        // and each Region's analyzer may report them.
        const archive = (
            analyzer: aws.accessanalyzer.Analyzer,
            suffix: string,
            provider: aws.Provider,
        ) =>
            args.archiveRules.map(
                (rule) =>
                    new aws.accessanalyzer.ArchiveRule(
                        `${name}-archive-${rule.name}${suffix}`,
                        {
                            analyzerName: analyzer.analyzerName,
                            ruleName: rule.name,
                            filters: rule.filters.map((f) => ({
                                criteria: f.criteria,
                                eqs: [...f.eqs],
                            })),
                        },
                        { parent: this, provider },
                    ),
            );
        this.archiveRules = [
            ...archive(this.externalAccess, "", args.securityProvider),
            ...others.flatMap((o) =>
                archive(this.regionalExternalAccess[o.region], `-${o.region}`, o.provider),
            ),
        ];
        const ruleArns = [args.homeRegion, ...others.map((o) => o.region)].map((r) =>
            findingsRuleArn(args.partition, r, args.securityAccountId),
        );
        const homeBus =
            others.length > 0
                ? defaultEventBusArn(args.partition, args.homeRegion, args.securityAccountId)
                : undefined;

        this.publisherRole = new aws.iam.Role(
            `${name}-publisher`,
            {
                name: FINDINGS_PUBLISHER_ROLE,
                description:
                    "org-access: EventBridge publishes Access Analyzer findings to the alarm topic",
                assumeRolePolicy: JSON.stringify(
                    publisherTrustPolicy(args.securityAccountId, ruleArns),
                ),
                maxSessionDuration: 3600,
                tags: args.tags,
            },
            inSecurity,
        );
        new aws.iam.RolePolicy(
            `${name}-publisher-policy`,
            {
                role: this.publisherRole.name,
                policy: pulumi
                    .output(args.alarmTopicArn)
                    .apply((topic) => JSON.stringify(publisherPolicy(topic, homeBus))),
            },
            inSecurity,
        );
        const findingsRule = (suffix: string, provider: aws.Provider, description: string) =>
            new aws.cloudwatch.EventRule(
                `${name}-findings${suffix}`,
                {
                    name: FINDINGS_RULE,
                    description,
                    eventPattern: JSON.stringify(ACTIVE_FINDINGS_PATTERN),
                    tags: args.tags,
                },
                { parent: this, provider },
            );
        this.findingsRule = findingsRule(
            "",
            args.securityProvider,
            "org-access: active IAM Access Analyzer findings to the alarm topic",
        );
        this.findingsTarget = new aws.cloudwatch.EventTarget(
            `${name}-findings-target`,
            {
                rule: this.findingsRule.name,
                arn: args.alarmTopicArn,
                roleArn: iamRoleArn(
                    args.partition,
                    args.securityAccountId,
                    FINDINGS_PUBLISHER_ROLE,
                ),
            },
            { ...inSecurity, dependsOn: [this.publisherRole] },
        );
        // EventBridge delivers to an SNS topic of another account only in the rule's own Region,
        // and to an event bus of another Region with an execution role: each other Region's rule
        // forwards its findings to the home Region's default bus, where the rule above sends them
        // on. A forwarded event keeps its source, detail-type and detail, so the same pattern
        // matches it there, and the home rule forwards nothing (no loop).
        // https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-service-cross-account.html
        // https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-cross-region.html
        this.regionalFindings = others.map((o) => {
            const rule = findingsRule(
                `-${o.region}`,
                o.provider,
                `org-access: active IAM Access Analyzer findings to ${args.homeRegion}'s default event bus`,
            );
            const target = new aws.cloudwatch.EventTarget(
                `${name}-findings-target-${o.region}`,
                {
                    rule: rule.name,
                    arn: homeBus!,
                    roleArn: iamRoleArn(
                        args.partition,
                        args.securityAccountId,
                        FINDINGS_PUBLISHER_ROLE,
                    ),
                },
                { parent: this, provider: o.provider, dependsOn: [this.publisherRole] },
            );
            return { region: o.region, rule, target };
        });
        this.registerOutputs({
            trustedAccess: this.trustedAccess,
            delegatedAdministrator: this.delegatedAdministrator,
            externalAccess: this.externalAccess,
            unusedAccess: this.unusedAccess,
            archiveRules: this.archiveRules,
            publisherRole: this.publisherRole,
            findingsRule: this.findingsRule,
            findingsTarget: this.findingsTarget,
            regionalExternalAccess: this.regionalExternalAccess,
            regionalFindings: this.regionalFindings,
        });
    }
}

/**
 * Only EventBridge, for the findings rules themselves, may assume the publisher role: EventBridge
 * sets aws:SourceArn to the ARN of the rule that sends the event, so no other rule of the account
 * can publish to the alarm topic through this role.
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/policy-keys-eventbridge.html
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html
 */
export function publisherTrustPolicy(
    accountId: string,
    ruleArns: readonly string[],
): aws.iam.PolicyDocument {
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Effect: "Allow",
                Principal: { Service: "events.amazonaws.com" },
                Action: "sts:AssumeRole",
                Condition: {
                    StringEquals: { "aws:SourceAccount": accountId },
                    ArnEquals: { "aws:SourceArn": [...ruleArns] },
                },
            },
        ],
    };
}

/**
 * Publish to the one alarm topic, with its key, and forward to the home Region's default bus;
 * nothing else. A publisher to an encrypted topic
 * needs kms:GenerateDataKey* and kms:Decrypt on the topic's key.
 * https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html
 *
 * The key is not named by its ARN: its id is random, so the policy would be unknown in a first
 * `pulumi preview` and the pack's checks of it skipped. It is named by what only the topic's key
 * can be here: a key of the topic's account and region (key ARN with `*` for the id, as AWS
 * documents naming several keys), used only through SNS (`kms:ViaService`) and only for this
 * topic's messages: SNS encrypts a topic's messages under the encryption context
 * `aws:sns:topicArn` = the topic's ARN, which AWS's own key policies for SNS topics pin.
 * https://docs.aws.amazon.com/kms/latest/developerguide/cmks-in-iam-policies.html
 * https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-via-service
 * https://docs.aws.amazon.com/gamelift/latest/flexmatchguide/queue-notification-sns-sse.html
 * A topic has one key, so this is that key, and SNS never uses it for the role otherwise: tighter
 * than the key's ARN alone, which let the role call Decrypt and GenerateDataKey on it directly.
 * The key is in another account, so its key policy must admit the role too
 * (components/detection.ts, `PublisherEncrypt`), and admits it alone.
 */
export function publisherPolicy(
    topicArn: string,
    /** The home Region's default bus, which the other Regions' rules forward to; none with one Region. */
    homeBusArn?: string,
): aws.iam.PolicyDocument {
    const topic = parseArn(topicArn);
    if (!topic || topic.service !== "sns" || !topic.region || !topic.account)
        throw new Error(`publisherPolicy: ${topicArn} is not an SNS topic ARN`);
    return {
        Version: "2012-10-17",
        Statement: [
            ...(homeBusArn
                ? [
                      {
                          Sid: "ForwardFindings",
                          Effect: "Allow" as const,
                          Action: "events:PutEvents",
                          Resource: homeBusArn,
                      },
                  ]
                : []),
            { Sid: "PublishFindings", Effect: "Allow", Action: "sns:Publish", Resource: topicArn },
            {
                Sid: "UseTopicKey",
                Effect: "Allow",
                Action: ["kms:Decrypt", "kms:GenerateDataKey*"],
                Resource: kmsKeyArn(topic.partition, topic.region, topic.account, "*"),
                Condition: {
                    StringEquals: {
                        "kms:ViaService": `sns.${topic.region}.amazonaws.com`,
                        "kms:EncryptionContext:aws:sns:topicArn": topicArn,
                    },
                },
            },
        ],
    };
}
