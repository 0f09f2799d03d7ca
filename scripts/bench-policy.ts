/**
 * Policy-pack throughput, in process: runs every policy of the pack (resource and stack policies,
 * through checkResources) over a generated mix of resources and prints resources per second.
 * Target: at least 20,000 resources/s.
 *
 *   npx org-access bench policy [--end-to-end] [COUNT]
 *
 * Every policy document is distinct: each statement carries a Sid no other statement has, besides
 * random account ids and names, so no document text repeats and the parse cache (keyed by text)
 * never hits across resources. Only the things a real stack repeats too (action names, AWS-managed
 * policy ARNs, service principals) repeat here.
 *
 * --end-to-end writes the COUNT resources to a file in a temporary directory and times
 * `node dist/policypack/cli/check.js FILE` on it, start-up included: what `policy:check` costs a
 * user (target: 20,000 distinct resources in at most 2.5 s).
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { defineCommand, Io, runCommand, start, STDIO, UsageError } from "../cli/command";
import { policies } from "../policypack/policies";
import { checkResources, PlannedResource } from "../policypack/runner";

export const USAGE = `usage: npx org-access bench policy [--end-to-end] [COUNT]

Runs every policy of the pack over COUNT generated resources (default 20000) with distinct policy
documents, three times, and prints the best rate in resources per second (target: at least
20,000/s).

  --end-to-end   write the resources to a temporary file and time \`node dist/policypack/cli/check.js\`
                 on it three times, start-up included (target: 20,000 resources in at most 2.5 s)

npm run bench:policy -- ARGS is the same command.`;

interface Options {
    readonly count: number;
    readonly endToEnd: boolean;
}

export const command = defineCommand({
    usage: USAGE,
    invocation: "npx org-access bench policy",
    options: { "end-to-end": { type: "boolean" } },
    positionals: true,
    build(values, positionals): Options {
        if (positionals.length > 1) throw new UsageError("give at most one COUNT");
        const count = Number(positionals[0] ?? 20000);
        if (!Number.isSafeInteger(count) || count < 1)
            throw new UsageError(
                `COUNT must be a whole number of resources, not "${positionals[0]}"`,
            );
        return { count, endToEnd: values["end-to-end"] ?? false };
    },
});

let seed = 12345;
function rand(): number {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
}
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
const account = (): string => String(100000000000 + Math.floor(rand() * 899999999999));
const json = (o: unknown): string => JSON.stringify(o);
/** A Sid no other statement of the run has: makes every document's text distinct. */
let sids = 0;
const sid = (): string => `S${++sids}`;
/** The statement with a fresh Sid (a copy: the forms are shared). */
const unique = (s: object): object => ({ Sid: sid(), ...s });

function trust(): unknown {
    const a = account();
    const forms = [
        {
            Effect: "Allow",
            Principal: { AWS: [`arn:aws:iam::${a}:user/u${Math.floor(rand() * 1e6)}`] },
            Action: "sts:AssumeRole",
            Condition: {
                Bool: { "aws:MultiFactorAuthPresent": "true" },
                NumericLessThan: { "aws:MultiFactorAuthAge": "3600" },
            },
        },
        {
            Effect: "Allow",
            Principal: { AWS: `arn:aws:iam::${a}:user/reporter` },
            Action: "sts:AssumeRole",
            Condition: { StringEquals: { "sts:ExternalId": `ext-${a}` } },
        },
        {
            Effect: "Allow",
            Principal: {
                Service: pick([
                    "ec2.amazonaws.com",
                    "lambda.amazonaws.com",
                    "ecs-tasks.amazonaws.com",
                ]),
            },
            Action: "sts:AssumeRole",
        },
        {
            Effect: "Allow",
            Principal: { AWS: a },
            Action: "sts:AssumeRole",
            Condition: { BoolIfExists: { "aws:MultiFactorAuthPresent": "true" } },
        },
        {
            Effect: "Allow",
            Principal: "*",
            Action: "sts:AssumeRole",
            Condition: { StringEquals: { "aws:PrincipalOrgID": `o-${a}` } },
        },
        {
            Effect: "Allow",
            Principal: {
                Federated: `arn:aws:iam::${a}:oidc-provider/token.actions.githubusercontent.com`,
            },
            Action: "sts:AssumeRoleWithWebIdentity",
            Condition: {
                StringEquals: { "token.actions.githubusercontent.com:aud": "sts.amazonaws.com" },
                StringLike: { "token.actions.githubusercontent.com:sub": `repo:org${a}/*` },
            },
        },
    ];
    return {
        Version: "2012-10-17",
        Statement: [unique(pick(forms)), ...(rand() < 0.3 ? [unique(pick(forms))] : [])],
    };
}

function identity(): unknown {
    const a = account();
    const forms = [
        {
            Effect: "Allow",
            Action: ["s3:GetObject", "s3:ListBucket"],
            Resource: [`arn:aws:s3:::b${a}`, `arn:aws:s3:::b${a}/*`],
        },
        { Effect: "Allow", Action: ["ec2:Describe*", "cloudwatch:Get*"], Resource: "*" },
        { Effect: "Allow", Action: "iam:PassRole", Resource: `arn:aws:iam::${a}:role/app-*` },
        {
            Effect: "Allow",
            Action: "sts:AssumeRole",
            Resource: `arn:aws:iam::${a}:role/org-access/SecurityAuditRole`,
        },
        { Effect: "Deny", Action: ["iam:*", "s3:GetObject"], Resource: "*" },
        { Effect: "Allow", Action: "*", Resource: "*" },
    ];
    return { Version: "2012-10-17", Statement: [unique(pick(forms)), unique(pick(forms))] };
}

function bucketPolicy(name: string): unknown {
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Sid: sid(),
                Effect: "Deny",
                Principal: "*",
                Action: "s3:*",
                Resource: [`arn:aws:s3:::${name}`, `arn:aws:s3:::${name}/*`],
                Condition: { Bool: { "aws:SecureTransport": "false" } },
            },
            unique(
                pick([
                    {
                        Effect: "Allow",
                        Principal: { Service: "cloudtrail.amazonaws.com" },
                        Action: "s3:PutObject",
                        Resource: `arn:aws:s3:::${name}/*`,
                        Condition: { StringEquals: { "aws:SourceAccount": account() } },
                    },
                    {
                        Effect: "Allow",
                        Principal: { AWS: account() },
                        Action: "s3:GetObject",
                        Resource: `arn:aws:s3:::${name}/*`,
                    },
                    {
                        Effect: "Allow",
                        Principal: "*",
                        Action: "s3:GetObject",
                        Resource: `arn:aws:s3:::${name}/*`,
                    },
                ]),
            ),
        ],
    };
}

export function generate(n: number): PlannedResource[] {
    const out: PlannedResource[] = [];
    const providers = Array.from({ length: 20 }, (_, i) => ({
        type: "pulumi:providers:aws",
        name: `aws-${i}`,
        props: { region: "us-east-1", allowedAccountIds: [account()] },
    }));
    out.push(...providers);
    for (let i = out.length; i < n; i++) {
        const provider = pick(providers);
        const x = rand();
        const name = `r${i}`;
        let r: PlannedResource;
        if (x < 0.12)
            r = {
                type: "aws:iam/role:Role",
                name,
                props: {
                    name,
                    assumeRolePolicy: rand() < 0.5 ? json(trust()) : trust(),
                    maxSessionDuration: pick([3600, 3600, 7200]),
                    inlinePolicies: rand() < 0.3 ? [{ name: "i", policy: json(identity()) }] : [],
                },
            };
        else if (x < 0.18)
            r = {
                type: pick([
                    "aws:iam/policy:Policy",
                    "aws:iam/rolePolicy:RolePolicy",
                    "aws:iam/groupPolicy:GroupPolicy",
                ]),
                name,
                props: { role: "r", group: "g", policy: json(identity()) },
            };
        else if (x < 0.24)
            r = {
                type: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
                name,
                props: {
                    role: "r",
                    policyArn: pick([
                        "arn:aws:iam::aws:policy/ReadOnlyAccess",
                        "arn:aws:iam::aws:policy/SecurityAudit",
                        "arn:aws:iam::aws:policy/AdministratorAccess",
                        `arn:aws:iam::${account()}:policy/custom`,
                    ]),
                },
            };
        else if (x < 0.28)
            r = {
                type: "aws:s3/bucketPolicy:BucketPolicy",
                name,
                props: { bucket: `b${i}`, policy: json(bucketPolicy(`b${i}`)) },
            };
        else if (x < 0.32) r = { type: "aws:s3/bucket:Bucket", name, props: { bucket: `b${i}` } };
        else if (x < 0.34)
            r = {
                type: "aws:kms/key:Key",
                name,
                props: {
                    policy: json({
                        Version: "2012-10-17",
                        Statement: [
                            {
                                Sid: sid(),
                                Effect: "Allow",
                                Principal: { AWS: `arn:aws:iam::${account()}:root` },
                                Action: "kms:*",
                                Resource: "*",
                            },
                        ],
                    }),
                },
            };
        else if (x < 0.36) r = { type: "aws:iam/user:User", name, props: { name } };
        else if (x < 0.37)
            r = { type: "aws:iam/accessKey:AccessKey", name, props: { user: `r${i - 1}` } };
        else if (x < 0.38)
            r = {
                type: "aws:lambda/permission:Permission",
                name,
                props: {
                    function: "f",
                    action: "lambda:InvokeFunction",
                    principal: pick(["s3.amazonaws.com", "*", account()]),
                    sourceAccount: rand() < 0.5 ? account() : undefined,
                },
            };
        else if (x < 0.385)
            r = {
                type: "aws:cloudtrail/trail:Trail",
                name,
                props: {
                    s3BucketName: `b${i - 1}`,
                    isMultiRegionTrail: true,
                    enableLogFileValidation: true,
                    kmsKeyId: "k",
                },
            };
        else
            r = {
                type: pick([
                    "aws:ec2/instance:Instance",
                    "aws:ec2/securityGroup:SecurityGroup",
                    "aws:lambda/function:Function",
                    "aws:cloudwatch/logGroup:LogGroup",
                    "aws:sqs/queue:Queue",
                    "aws:sns/topic:Topic",
                ]),
                name,
                props: { name, tags: { team: "x" } },
            };
        out.push({ ...r, provider });
    }
    return out;
}

/** Every policy document of the resources, as text: to show that none repeats. */
export function documentTexts(resources: readonly PlannedResource[]): string[] {
    const text = (d: unknown): string => (typeof d === "string" ? d : JSON.stringify(d));
    const out: string[] = [];
    for (const r of resources) {
        const p = r.props as Record<string, unknown>;
        if (p.policy !== undefined) out.push(text(p.policy));
        if (p.assumeRolePolicy !== undefined) out.push(text(p.assumeRolePolicy));
        for (const i of (p.inlinePolicies as { policy: unknown }[] | undefined) ?? [])
            out.push(text(i.policy));
    }
    return out;
}

function distinctLine(resources: readonly PlannedResource[]): string {
    const texts = documentTexts(resources);
    return `${texts.length} policy documents, ${new Set(texts).size} distinct`;
}

/** The in-process benchmark's lines. */
function bench(n: number): string[] {
    const resources = generate(n);
    checkResources(resources.slice(0, 2000)); // warm up the JIT
    const runs: number[] = [];
    let violations = 0;
    let distinct = "";
    for (let i = 0; i < 3; i++) {
        const fresh = generate(n); // new documents every run: no parse-cache reuse across runs
        distinct = distinctLine(fresh);
        const t0 = process.hrtime.bigint();
        violations = checkResources(fresh).length;
        runs.push(Number(process.hrtime.bigint() - t0) / 1e9);
    }
    const best = Math.min(...runs);
    const rate = Math.round(n / best);
    return [
        `org-access-guard: ${n} resources (${policies.length} policies, resource and stack; ${distinct}) in ${best.toFixed(3)} s (best of ${runs.length}): ${rate.toLocaleString("en-US")} resources/s, ${violations} violations`,
        rate >= 20000
            ? "target of 20,000 resources/s met"
            : "BELOW the target of 20,000 resources/s",
    ];
}

/**
 * The end-to-end benchmark's lines: `node check.js FILE` in a child process, as `policy:check`
 * runs it after its build step, timed from spawn to exit. Exit 1 (mandatory violations) is the
 * expected outcome on this mix; anything else is a failure of the run, not a figure.
 */
function endToEnd(n: number): string[] {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-policy-"));
    try {
        const resources = generate(n);
        const file = path.join(dir, "resources.json");
        fs.writeFileSync(file, JSON.stringify({ resources }));
        const size = fs.statSync(file).size;
        const check = path.join(__dirname, "..", "policypack", "cli", "check.js");
        const runs: number[] = [];
        for (let i = 0; i < 3; i++) {
            const t0 = process.hrtime.bigint();
            const run = spawnSync(process.execPath, [check, file], {
                encoding: "utf8",
                maxBuffer: 1 << 30,
            });
            runs.push(Number(process.hrtime.bigint() - t0) / 1e9);
            if (run.status !== 0 && run.status !== 1)
                throw new Error(
                    `check.js exited ${run.status ?? run.signal}: ${run.stderr.slice(0, 2000)}`,
                );
        }
        const best = Math.min(...runs);
        // The target scales with COUNT: 2.5 s for 20,000 resources.
        const target = (2.5 * n) / 20000;
        return [
            `policy:check end to end: ${n} resources (${distinctLine(resources)}; ${(size / 1e6).toFixed(1)} MB of JSON) in ${best.toFixed(3)} s (best of ${runs.length}; runs ${runs.map((r) => r.toFixed(2)).join(", ")} s): ${Math.round(n / best).toLocaleString("en-US")} resources/s, start-up included`,
            best <= target
                ? `target of ${target.toFixed(2)} s (2.5 s per 20,000 resources) met`
                : `ABOVE the target of ${target.toFixed(2)} s (2.5 s per 20,000 resources)`,
        ];
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}

export function main(argv: readonly string[], io: Io = STDIO): number {
    return runCommand(command, argv, io, ({ count, endToEnd: e2e }) => {
        io.out.write(`${(e2e ? endToEnd(count) : bench(count)).join("\n")}\n`);
        return 0;
    });
}

if (require.main === module) start(main);
