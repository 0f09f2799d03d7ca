/**
 * Which resource type tokens policy:check accepts, and the token it suggests for a near miss.
 *
 * The pack's policies pick resources by exact token (`aws:iam/role:Role`). A resource written with
 * another spelling of its type (the SDK class path `aws.iam.Role`, CloudFormation's
 * `AWS::IAM::Role`, Terraform's `aws_iam_role`, a wrong case) matches no policy, and would be
 * counted as "no violations" although nothing looked at it. So an input type must have the shape
 * of an engine token, and a near miss is refused with the token it meant.
 */
import { T } from "../policies/types";

/**
 * `<package>:<module>:<member>`, the engine's type token (pulumi/pulumi sdk/go/common/tokens:
 * "pkg:module:member"); the module may hold slashes (`aws:iam/role:Role`, `kubernetes:core/v1:Pod`).
 * https://www.pulumi.com/docs/iac/concepts/resources/names/#types
 */
const TOKEN = /^[A-Za-z][\w.-]*:[\w./-]*:[A-Za-z_][\w.-]*$/;

/**
 * AWS tokens are `aws:<module>/<name>:<Name>` with <name> the lower-camel <Name>
 * (every `__pulumiType` of @pulumi/aws has this shape: test/policypack/checkInput.spec.ts checks it).
 */
const AWS_TOKEN = /^aws:([a-z0-9]+)\/([a-z]\w*):([A-Z]\w*)$/;

const lowerFirst = (s: string): string => s.charAt(0).toLowerCase() + s.slice(1);

/** A spelling-free key: "iam" + "role" for aws:iam/role:Role, aws.iam.Role, AWS::IAM::Role, aws_iam_role. */
function looseKey(type: string): string {
    const aws = AWS_TOKEN.exec(type);
    const words = aws
        ? `${aws[1]}${aws[3]}`
        : type.replace(/^aws[^A-Za-z0-9]+/i, "").replace(/^([^:/]+)\/[^:]*:/, "$1:");
    return words.toLowerCase().replace(/[^a-z0-9]/g, "");
}

/** The pack's own tokens by loose key; `aws.Provider` (class path) means the AWS provider. */
const KNOWN = new Map<string, string>([
    ...Object.values(T).map((t): [string, string] => [looseKey(t), t]),
    ["provider", T.AwsProvider],
    ["providersaws", T.AwsProvider],
]);

/** The engine token `type` probably meant, if any. */
export function suggestToken(type: string): string | undefined {
    const known = KNOWN.get(looseKey(type));
    if (known !== undefined && known !== type) return known;
    // An SDK class path of any other AWS resource: aws.ec2.Vpc -> aws:ec2/vpc:Vpc.
    const classPath = /^aws\.([a-z0-9]+)\.([A-Z][A-Za-z0-9]*)$/.exec(type);
    if (classPath) return `aws:${classPath[1]}/${lowerFirst(classPath[2])}:${classPath[2]}`;
    return undefined;
}

/** Whether `type` has the shape of an engine token and is no other spelling of one the pack knows. */
function isEngineToken(type: string): boolean {
    if (!TOKEN.test(type)) return false;
    if (type.startsWith("aws:")) {
        const aws = AWS_TOKEN.exec(type);
        if (!aws || aws[2] !== lowerFirst(aws[3])) return false;
    }
    // pulumi:providers:AWS and the like: the engine compares tokens exactly.
    const known = KNOWN.get(looseKey(type));
    return known === undefined || known === type || known.toLowerCase() !== type.toLowerCase();
}

/**
 * Why `type` is not a type token policy:check can match to policies, with the fix; undefined when
 * it is one.
 */
export function tokenProblem(type: string): string | undefined {
    // A stack has a few dozen types among thousands of resources: each is judged once.
    if (judged.has(type)) return judged.get(type);
    if (judged.size >= MAX_JUDGED) judged.clear();
    const problem = judge(type);
    judged.set(type, problem);
    return problem;
}

const MAX_JUDGED = 1024;
const judged = new Map<string, string | undefined>();

function judge(type: string): string | undefined {
    if (isEngineToken(type)) return undefined;
    const suggestion = suggestToken(type);
    return suggestion
        ? `type "${type}" is not an engine type token, so no policy would match it (did you mean "${suggestion}"?)`
        : `type "${type}" is not an engine type token, so no policy would match it (write it as the engine does: "<package>:<module>/<name>:<Name>", e.g. "${T.Role}", or "pulumi:providers:aws")`;
}
