// Config keys outside the `org-access:` namespace. The engine passes every key of a stack to the
// program, and the program reads only `org-access:*` (through the schema) and `aws:region`, so any
// other key would be dropped without a word: a namespace typo (`org-acess:tags`), `aws:regoin`, or
// a real AWS provider setting such as `aws:profile`, which this program's providers never read.
// Each is refused, with its key, and a did-you-mean where a known key is close.
import { closest } from "./didYouMean";
import type { ConfigProblem } from "./errors";
import { NAMESPACE } from "./schema/constants";

/**
 * The AWS provider's config keys: the exports of @pulumi/aws/config/vars (7.48.0, the version
 * package-lock.json pins). test/config/namespaces.spec.ts compares this list with the installed
 * provider, so an upgrade that adds or renames a key fails the tests until the list follows.
 */
export const AWS_PROVIDER_KEYS: readonly string[] = [
    "accessKey",
    "allowedAccountIds",
    "assumeRoleWithWebIdentity",
    "assumeRoles",
    "customCaBundle",
    "defaultTags",
    "ec2MetadataServiceEndpoint",
    "ec2MetadataServiceEndpointMode",
    "endpoints",
    "forbiddenAccountIds",
    "httpProxy",
    "httpsProxy",
    "ignoreTags",
    "insecure",
    "maxRetries",
    "noProxy",
    "profile",
    "region",
    "retryMode",
    "s3UsEast1RegionalEndpoint",
    "s3UsePathStyle",
    "secretKey",
    "sharedConfigFiles",
    "sharedCredentialsFiles",
    "skipCredentialsValidation",
    "skipMetadataApiCheck",
    "skipRegionValidation",
    "skipRequestingAccountId",
    "stsRegion",
    "tagPolicyCompliance",
    "token",
    "tokenBucketRateLimiterCapacity",
    "useDualstackEndpoint",
    "useFipsEndpoint",
    "userAgents",
];

/** The AWS provider keys that choose credentials: the explicit providers take them from the environment. */
const CREDENTIAL_ENV: Record<string, string> = {
    profile: "AWS_PROFILE",
    accessKey: "AWS_ACCESS_KEY_ID",
    secretKey: "AWS_SECRET_ACCESS_KEY",
    token: "AWS_SESSION_TOKEN",
    sharedCredentialsFiles: "AWS_SHARED_CREDENTIALS_FILE",
    sharedConfigFiles: "AWS_CONFIG_FILE",
};

/**
 * The keys of the engine's own `pulumi:` namespace: `pulumi:template` (written by `pulumi new`),
 * `pulumi:tags` (stack tags), `pulumi:autonaming` and `pulumi:disable-default-providers`
 * (pulumi/pulumi#8829). The engine reads them; this program needs none of them.
 * https://www.pulumi.com/docs/iac/concepts/resources/names/#autonaming
 */
export const PULUMI_KEYS: readonly string[] = [
    "template",
    "tags",
    "autonaming",
    "disable-default-providers",
];

const NAMESPACES = [NAMESPACE, "aws", "pulumi"];

/** `pulumi config rm` for a key as it is written in the stack file. */
const rm = (key: string) => `pulumi config rm '${key}'`;

/**
 * Problems with the keys outside `org-access:`. `keys` are every key the stack's config holds,
 * namespaced as the engine passes them; `known` are the `org-access:` keys of the stack's schema,
 * for the did-you-mean of a key whose namespace is misspelt or missing.
 */
export function foreignKeyProblems(
    keys: readonly string[],
    known: readonly string[],
): ConfigProblem[] {
    const problems: ConfigProblem[] = [];
    for (const full of keys) {
        const colon = full.indexOf(":");
        const ns = colon < 0 ? "" : full.slice(0, colon);
        const key = full.slice(colon + 1);
        if (ns === NAMESPACE) continue;
        if (ns === "aws") {
            if (key === "region") continue;
            if (!AWS_PROVIDER_KEYS.includes(key)) {
                const near = closest(key, AWS_PROVIDER_KEYS);
                problems.push({
                    path: full,
                    message: "is not a setting of the AWS provider, so nothing reads it",
                    fix: `${near ? `did you mean 'aws:${near}'? ` : ""}remove it with: ${rm(full)}`,
                });
                continue;
            }
            // By design an explicit provider reads no aws:* config (pulumi/pulumi-aws#1307,
            // #3259), and every resource here has one (components/provider.ts): the setting would
            // be ignored without a word. Credentials come from the environment instead.
            const env = CREDENTIAL_ENV[key];
            problems.push({
                path: full,
                message:
                    "is ignored: every resource of this program uses an explicit provider per account, which reads no aws:* config but the aws:region the program passes it (pulumi/pulumi-aws#1307)",
                fix: env
                    ? `set ${env} in the environment that runs pulumi instead, and remove it with: ${rm(full)}`
                    : key === "defaultTags"
                      ? `tag resources with org-access:tags instead, and remove it with: ${rm(full)}`
                      : `remove it with: ${rm(full)}`,
            });
            continue;
        }
        if (ns === "pulumi") {
            if (PULUMI_KEYS.includes(key)) continue;
            const near = closest(key, PULUMI_KEYS);
            problems.push({
                path: full,
                message: `is not a key the Pulumi engine reads (it reads ${PULUMI_KEYS.map((k) => `pulumi:${k}`).join(", ")})`,
                fix: `${near ? `did you mean 'pulumi:${near}'? ` : ""}remove it with: ${rm(full)}`,
            });
            continue;
        }
        // A misspelt or missing namespace: suggest the namespace, and the key if it is misspelt too.
        const nearNs = ns === "" ? NAMESPACE : closest(ns, NAMESPACES);
        const nearKey =
            nearNs === NAMESPACE ? (known.includes(key) ? key : closest(key, known)) : key;
        const meant = nearNs && nearKey ? `${nearNs}:${nearKey}` : undefined;
        // A key without a namespace has no `pulumi config rm` of its own: the CLI would read
        // `rm securityAccountId` as the project's org-access:securityAccountId and remove that.
        const remove = ns === "" ? "" : `, or remove it with: ${rm(full)}`;
        problems.push({
            // `config: key` keeps a bare key from being printed as org-access:key (formatProblems).
            path: ns === "" ? `config: ${full}` : full,
            message:
                ns === ""
                    ? 'has no namespace, so nothing reads it (a stack\'s keys are "namespace:key")'
                    : `is in namespace "${ns}", which nothing in this program reads (it reads ${NAMESPACE}:*, aws:region and the engine's pulumi:*)`,
            fix: meant
                ? `did you mean '${meant}'? rename the key in the stack file${remove}`
                : ns === ""
                  ? "delete it from the stack file"
                  : `remove it with: ${rm(full)}`,
        });
    }
    return problems;
}
