// The security stack's organization-wide controls: centralized root access (management account)
// and IAM Access Analyzer for the organization (delegated to the security account), each when
// configured.
import * as aws from "@pulumi/aws";
import { SecurityConfig } from "../../config";
import {
    ArchiveRuleDefinition,
    FINDINGS_PUBLISHER_ROLE,
    OrgAccessAnalyzer,
} from "../../components/accessAnalyzer";
import { iamRoleArn, oidcProviderArn } from "../../components/arns";
import { GITHUB_OIDC_HOST } from "../../components/ciIdentity";
import { Detection } from "../../components/detection";
import { CentralizedRootAccess } from "../../components/rootAccess";
import { AccountProviders } from "../providers";

/** Centralized root access, when `rootAccess: centralized`. */
export function rootAccess(
    cfg: SecurityConfig,
    managementProvider: aws.Provider,
): CentralizedRootAccess | undefined {
    if (cfg.rootAccess !== "centralized") return undefined;
    return new CentralizedRootAccess("root-access", { provider: managementProvider });
}

/** The role that delivers findings to the alarm topic, which the topic and its key let publish. */
export function findingsPublisherRoleArns(cfg: SecurityConfig): string[] {
    return cfg.accessAnalyzer
        ? [iamRoleArn(cfg.partition, cfg.security.accountId, FINDINGS_PUBLISHER_ROLE)]
        : [];
}

/**
 * The archive rules: exactly the access this program designs that an ORGANIZATION analyzer would
 * report. Its zone of trust is the organization, so access between the organization's accounts is
 * no finding at all: the audit, incident-response, break-glass and preview roles, which trust the
 * security account, the log-archive admin role and the CloudTrail delivery make none, and need no
 * rule (archiving them would only hide a change that made them external). What an organization
 * analyzer does report is a role trusted by a federated identity provider: the two CI identities
 * trust GitHub's OIDC provider (AssumeRoleWithWebIdentity). One rule archives those two roles' findings
 * for that provider only; which repository, branch and workflow may use them is proved by the plan
 * (the pack and the proofs), not by the analyzer.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-findings.html
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-filter-keys.html
 */
export function accessAnalyzerArchiveRules(cfg: SecurityConfig): ArchiveRuleDefinition[] {
    if (!cfg.ci) return [];
    const p = cfg.partition;
    // The CI identities live in the account `ci.account` names (stacks/security/ci.ts).
    const account = (cfg.ci.account === "security" ? cfg.security : cfg.management).accountId;
    return [
        {
            name: "org-access-ci-identities",
            reason: `the CI identities ${cfg.ci.deployIdentityName} and ${cfg.ci.previewIdentityName} trust GitHub's OIDC provider by design; their trust (repository ${cfg.ci.repository}, the deploy job's pin) is checked by the policy pack and the proofs on every plan`,
            filters: [
                { criteria: "resourceType", eqs: ["AWS::IAM::Role"] },
                {
                    criteria: "resource",
                    eqs: [
                        iamRoleArn(p, account, cfg.ci.deployIdentityName),
                        iamRoleArn(p, account, cfg.ci.previewIdentityName),
                    ],
                },
                {
                    criteria: "principal.Federated",
                    eqs: [oidcProviderArn(p, account, GITHUB_OIDC_HOST)],
                },
            ],
        },
    ];
}

/**
 * IAM Access Analyzer for the organization, when `accessAnalyzer` is set: an external-access
 * analyzer in each of `accessAnalyzer.regions` (aws:region's on the security account's own
 * provider, each other Region's on a provider of its own), the unused-access analyzer once.
 */
export function accessAnalyzer(
    cfg: SecurityConfig,
    providers: AccountProviders,
    alarms: Detection,
): OrgAccessAnalyzer | undefined {
    if (!cfg.accessAnalyzer) return undefined;
    return new OrgAccessAnalyzer("access-analyzer", {
        managementProvider: providers.for(cfg.management),
        securityProvider: providers.for(cfg.security),
        homeRegion: cfg.region,
        otherRegions: cfg.accessAnalyzer.regions
            .filter((r) => r !== cfg.region)
            .map((region) => ({ region, provider: providers.forRegion(cfg.security, region) })),
        securityAccountId: cfg.security.accountId,
        partition: cfg.partition,
        unusedAccessAge: cfg.accessAnalyzer.unusedAccessAge,
        archiveRules: accessAnalyzerArchiveRules(cfg),
        alarmTopicArn: alarms.topicArn,
        tags: cfg.tags,
    });
}
