/**
 * The shared IAM model of org-access: parsing, principals, actions, conditions, evaluation and the
 * analyses the policy pack, the offline plan and the evidence report are built on.
 */
export { PolicyInputError, isPolicyInputError } from "./errors";
export { parsePolicyDocument, documentText, statementLabel, allConditions } from "./document";
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
export { authorize, FULL_AWS_ACCESS, RCP_FULL_AWS_ACCESS } from "./authorize";
export type {
    Authorization,
    AuthorizationRequest,
    DecidingStatement,
    NamedPolicy,
    PolicySets,
    PolicyType,
} from "./authorize";
export type { Scenario, Witness, Candidate } from "./search";
export { ASSUME_ROLE, ASSUME_ROLE_WEB_IDENTITY, TRUST_POLICY_ACTIONS } from "./sts";
export { keySource, isResourceKey, CONDITION_KEY_SOURCES } from "./keys";
export type { KeySource } from "./keys";
export {
    findPublicAccess,
    isNarrowIpRange,
    isResourceStandIn,
    mentionedAccounts,
    IDENTITY_BOUND_KEYS,
} from "./outsiders";
export type { ExposureFinding, PublicAccessOptions } from "./outsiders";
export { describeUntagged, findUntaggedAccess, untaggedHints } from "./tagDesignators";
export type { UntaggedFinding, UntaggedOptions } from "./tagDesignators";
export {
    findAssumeWithoutMfa,
    findAssumeWithoutMfaAnyPrincipal,
    isHumanAssumable,
    humanEntries,
    describeMfaState,
} from "./mfa";
export type { MfaFinding, TrustOptions, HumanEntry, HumanEntryKind } from "./mfa";
export { findWeakOidcTrust, isGithubIssuer } from "./oidc";
export { findConfusedDeputy } from "./deputy";
export type { DeputyFinding } from "./deputy";
export type { OidcFinding } from "./oidc";
export {
    findAdminGrants,
    findSingleActionEscalations,
    passRoleStatements,
    pinsBoundary,
    resourcesUnbounded,
    reachesArbitrary,
} from "./admin";
export type { AdminFinding, EscalationFinding } from "./admin";
export { ASSUME_PLANNED, boundaryMutation, NO_PLAN, uncappedBoundaries } from "./bounds";
export type { BoundaryJudge } from "./bounds";
export { PlannedBoundaries, PlannedPolicies } from "./boundaries";
export type { PlanCompute, PlannedPolicy } from "./boundaries";
export {
    ADMIN_REASONS,
    adminReasonSummary,
    isAdminReason,
    IAM_ESCALATION_ACTIONS,
    IAM_WRITE_ACTIONS,
    PASSROLE_CONSUMERS,
    passRoleComputeActions,
    passedToServices,
    ROLE_CHANGE_ACTIONS,
    SINGLE_ACTION_ESCALATIONS,
    PERMISSION_SET_ACTIONS,
    PASS_ROLE,
    PROBE_ACCOUNT,
} from "./privileges";
export type {
    AdminReason,
    EscalationAction,
    IamTarget,
    SingleActionEscalation,
} from "./privileges";
export {
    adminEquivalentManagedPolicy,
    parseAwsManagedPolicyArn,
    adminEquivalentManagedPolicyKeys,
    knownAwsManagedPolicy,
} from "./managed";
export type { AdminManagedPolicy, ManagedPolicyRef } from "./managed";
