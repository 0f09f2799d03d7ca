import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/** GitHub's OIDC issuer and the audience configure-aws-credentials requests. */
export const GITHUB_OIDC_HOST = "token.actions.githubusercontent.com";
export const GITHUB_OIDC_AUDIENCE = "sts.amazonaws.com";
/**
 * GitHub's published intermediate-certificate thumbprints. IAM now trusts GitHub through its own
 * root CAs and ignores them, but older API versions still require one:
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_providers_create_oidc_verify-thumbprint.html
 * https://github.blog/changelog/2023-06-27-github-actions-update-on-oidc-integration-with-aws/
 */
export const GITHUB_THUMBPRINTS = [
    "6938fd4d98bab03faadb97b34396831e3780aea1",
    "1c58a3a8518e8759bf075b76b750d4f2df264fcd",
];

/**
 * Only tokens for our audience and one of the exact subjects (a branch or an environment of one
 * repository). `StringEquals`, never `StringLike`: a wildcard in `sub` would let any branch, fork
 * PR or repository of the owner deploy.
 * https://docs.github.com/en/actions/security-for-github-actions/security-hardening-your-deployments/configuring-openid-connect-in-amazon-web-services
 */
export function ciTrustPolicy(
    providerArn: string,
    subjects: readonly string[],
): aws.iam.PolicyDocument {
    if (subjects.length === 0)
        throw new Error("ciTrustPolicy: at least one exact subject is required");
    for (const sub of subjects)
        if (/[*?]/.test(sub))
            throw new Error(
                `ciTrustPolicy: subject "${sub}" has a wildcard; use exact subjects only`,
            );
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "GitHubWorkflowsOfThisRepository",
                Effect: "Allow",
                Principal: { Federated: providerArn },
                Action: "sts:AssumeRoleWithWebIdentity",
                Condition: {
                    StringEquals: {
                        [`${GITHUB_OIDC_HOST}:aud`]: GITHUB_OIDC_AUDIENCE,
                        [`${GITHUB_OIDC_HOST}:sub`]:
                            subjects.length === 1 ? subjects[0] : [...subjects],
                    },
                },
            },
        ],
    };
}

/** What deploying this program needs, and nothing else: the deploy roles, and the state backend. */
export function ciPermissionsPolicy(args: {
    partition: string;
    deployRoleArns: readonly string[];
    stateBucket: string;
    stateKeyArn?: string;
}): aws.iam.PolicyDocument {
    const bucket = `arn:${args.partition}:s3:::${args.stateBucket}`;
    const statements: aws.iam.PolicyStatement[] = [
        {
            Sid: "AssumeDeployRoles",
            Effect: "Allow",
            Action: "sts:AssumeRole",
            Resource: [...new Set(args.deployRoleArns)].sort(),
        },
        {
            Sid: "ListStateBucket",
            Effect: "Allow",
            Action: ["s3:GetBucketLocation", "s3:ListBucket"],
            Resource: bucket,
        },
        // The DIY backend keeps every stack, checkpoint and lock under `.pulumi/`.
        {
            Sid: "ReadWriteState",
            Effect: "Allow",
            Action: ["s3:DeleteObject", "s3:GetObject", "s3:PutObject"],
            Resource: `${bucket}/.pulumi/*`,
        },
    ];
    if (args.stateKeyArn) {
        statements.push({
            Sid: "UseStateKey",
            Effect: "Allow",
            Action: ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"],
            Resource: args.stateKeyArn,
        });
    }
    return { Version: "2012-10-17", Statement: statements };
}

export interface CiIdentityArgs {
    /** Exact GitHub OIDC subjects allowed to assume the role. */
    readonly subjects: readonly string[];
    /** Name of the CI role. */
    readonly roleName: string;
    /** Exact ARNs of every per-account deploy role the program's providers assume. */
    readonly deployRoleArns: readonly string[];
    /** S3 bucket of the Pulumi state. */
    readonly stateBucket: string;
    /** KMS key of the state and the secrets provider, if any. */
    readonly stateKeyArn?: string;
    /** AWS partition. Default `aws`. */
    readonly partition?: string;
    /** Tags for the provider and the role. */
    readonly tags?: Record<string, string>;
}

/**
 * A CI identity without stored keys: GitHub's OIDC provider and a role that only this
 * repository's named branch or environment can assume, for one hour, and that can do nothing but
 * assume the deploy roles and use the state backend.
 */
export class CiIdentity extends pulumi.ComponentResource {
    public readonly oidcProvider: aws.iam.OpenIdConnectProvider;
    public readonly role: aws.iam.Role;
    public readonly roleArn: pulumi.Output<string>;
    public readonly policy: aws.iam.RolePolicy;

    constructor(name: string, args: CiIdentityArgs, opts: pulumi.ComponentResourceOptions) {
        if (!opts.provider)
            throw new Error(`CiIdentity ${name}: a provider for the CI account is required`);
        super("org-access:ci:CiIdentity", name, {}, opts);
        const partition = args.partition ?? "aws";
        const parent = { parent: this };

        this.oidcProvider = new aws.iam.OpenIdConnectProvider(
            `${name}-github`,
            {
                url: `https://${GITHUB_OIDC_HOST}`,
                clientIdLists: [GITHUB_OIDC_AUDIENCE],
                thumbprintLists: GITHUB_THUMBPRINTS,
                tags: args.tags,
            },
            parent,
        );
        this.role = new aws.iam.Role(
            `${name}-role`,
            {
                name: args.roleName,
                description:
                    "org-access CI: GitHub Actions of the configured repository assume this role through OIDC",
                assumeRolePolicy: this.oidcProvider.arn.apply((arn) =>
                    JSON.stringify(ciTrustPolicy(arn, args.subjects)),
                ),
                maxSessionDuration: 3600,
                forceDetachPolicies: true,
                tags: args.tags,
            },
            parent,
        );
        this.roleArn = this.role.arn;
        this.policy = new aws.iam.RolePolicy(
            `${name}-deploy`,
            {
                name: "assume-deploy-roles-and-use-state",
                role: this.role.name,
                policy: JSON.stringify(
                    ciPermissionsPolicy({
                        partition,
                        deployRoleArns: args.deployRoleArns,
                        stateBucket: args.stateBucket,
                        stateKeyArn: args.stateKeyArn,
                    }),
                ),
            },
            parent,
        );
        this.registerOutputs({
            oidcProvider: this.oidcProvider,
            role: this.role,
            roleArn: this.roleArn,
            policy: this.policy,
        });
    }
}
