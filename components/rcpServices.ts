// What the perimeter RCP denies to outsiders in each service RCPs apply to. The services are the
// policy pack's one list (policypack/policies/rcp.ts RCP_SERVICES, which the config accepts);
// what to deny in each, and which services the perimeter fences by default, is here. Constants
// only, so the config can read the defaults without the SDK.
import { RCP_SERVICES } from "../policypack/policies/rcp";

export interface PerimeterTreatment {
    /** The actions of the service the perimeter denies to principals outside the organization. */
    readonly actions: readonly string[];
    /** Fenced when `resourceControlPolicies.services` is left out. */
    readonly byDefault: boolean;
}

/**
 * Each service's treatment. By default the perimeter fences what AWS's identity-perimeter RCP
 * example fences (S3, SQS, KMS, Secrets Manager, STS, OpenSearch Serverless, ECR), with its STS
 * subset: the calls on a role or a session of the organization, without AssumeRoleWithWebIdentity
 * and AssumeRoleWithSAML, whose federated callers carry no organization (the CI identity's GitHub
 * OIDC trust is fenced by its own conditions).
 * https://github.com/aws-samples/data-perimeter-policy-examples/blob/main/resource_control_policies/identity_perimeter_rcp.json
 * The other services RCPs apply to are fenced only when listed: AWS's example does not fence them,
 * and some take calls from callers of no organization (Amazon Cognito's sign-in and guest
 * identities are called by an application's end users), which a perimeter on every action would
 * deny.
 * https://docs.aws.amazon.com/cognito/latest/developerguide/security_iam_service-with-iam.html
 */
const TREATMENTS: Readonly<Record<string, PerimeterTreatment>> = {
    s3: { actions: ["s3:*"], byDefault: true },
    sts: {
        actions: [
            "sts:AssumeRole",
            "sts:DecodeAuthorizationMessage",
            "sts:GetAccessKeyInfo",
            "sts:GetFederationToken",
            "sts:GetServiceBearerToken",
            "sts:GetSessionToken",
            "sts:SetContext",
        ],
        byDefault: true,
    },
    kms: { actions: ["kms:*"], byDefault: true },
    sqs: { actions: ["sqs:*"], byDefault: true },
    secretsmanager: { actions: ["secretsmanager:*"], byDefault: true },
    ecr: { actions: ["ecr:*"], byDefault: true },
    aoss: { actions: ["aoss:*"], byDefault: true },
    logs: { actions: ["logs:*"], byDefault: false },
    dynamodb: { actions: ["dynamodb:*"], byDefault: false },
    "cognito-identity": { actions: ["cognito-identity:*"], byDefault: false },
    "cognito-idp": { actions: ["cognito-idp:*"], byDefault: false },
};

/**
 * The perimeter's treatment of a service of the pack's list. Throws for a service without one:
 * a service added to the pack's list must be given its treatment here (a spec checks every one).
 */
export function perimeterTreatment(service: string): PerimeterTreatment {
    const t = Object.hasOwn(TREATMENTS, service) ? TREATMENTS[service] : undefined;
    if (!t)
        throw new Error(
            `RCP service ${service}: no perimeter treatment (add it to components/rcpServices.ts)`,
        );
    return t;
}

/** The services the perimeter fences when `resourceControlPolicies.services` is left out. */
export function defaultPerimeterServices(): string[] {
    return RCP_SERVICES.filter((s) => perimeterTreatment(s).byDefault);
}
