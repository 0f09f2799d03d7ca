/**
 * The shared IAM model of org-access: parsing, principals, actions, conditions, evaluation and the
 * analyses the policy pack, the offline plan and the evidence report are built on.
 */
export { PolicyInputError, isPolicyInputError } from "./errors";
export { parsePolicyDocument, documentText, statementLabel } from "./document";
export type { PolicyDocument, Statement, Effect, DocumentKind } from "./document";
export { parseArn, arnLike, isAccountId } from "./arn";
export type { Arn } from "./arn";
export { globMatch, hasWildcard } from "./wildcard";
export {
    classifyAwsPrincipal,
    classifyFederatedPrincipal,
    awsEntryIsEveryone,
    principalElementMatches,
    describePrincipalElement,
} from "./principals";
export type {
    PrincipalElement,
    AwsPrincipalInfo,
    AwsPrincipalKind,
    FederatedInfo,
    FederatedKind,
} from "./principals";
export { parseOperator, evaluateClause, evaluateConditions, parseIpRange } from "./conditions";
export type { ConditionClause, OperatorFamily, SetQualifier } from "./conditions";
export { awsPrincipalFromArn, principalContextKeys, buildContextMap } from "./context";
export type { RequestContext, RequestPrincipal, ContextValue } from "./context";
export {
    actionMatches,
    statementMatchesAction,
    statementMatchesPrincipal,
    statementMatchesResource,
    statementApplies,
    resourceMatches,
    evaluateRequest,
} from "./evaluate";
export type { Decision, EvaluationResult, StatementRef } from "./evaluate";
export { findAllowWitness, candidatesFor } from "./search";
export type { Scenario, Witness, Candidate } from "./search";
export {
    findPublicAccess,
    findAssumeWithoutMfa,
    findAssumeWithoutMfaAnyPrincipal,
    findWeakOidcTrust,
    isHumanAssumable,
    humanEntries,
    describeMfaState,
    mentionedAccounts,
    isGithubIssuer,
    IDENTITY_BOUND_KEYS,
    ASSUME_ROLE,
    TRUST_POLICY_ACTIONS,
} from "./analysis";
export type {
    ExposureFinding,
    MfaFinding,
    OidcFinding,
    TrustOptions,
    HumanEntry,
    PublicAccessOptions,
} from "./analysis";
export {
    findAdminGrants,
    findSingleActionEscalations,
    passRoleStatements,
    resourcesUnbounded,
    reachesArbitrary,
    IAM_ESCALATION_ACTIONS,
    PASSROLE_COMPUTE_ACTIONS,
    SINGLE_ACTION_ESCALATIONS,
} from "./admin";
export type { AdminFinding, AdminReason, EscalationFinding } from "./admin";
export {
    adminEquivalentManagedPolicy,
    parseAwsManagedPolicyArn,
    adminEquivalentManagedPolicyKeys,
} from "./managed";
export type { AdminManagedPolicy, ManagedPolicyRef } from "./managed";
