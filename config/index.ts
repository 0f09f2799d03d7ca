// The one module that reads Pulumi config. Stacks call `loadSecurityConfig` or
// `loadWorkloadConfig`; both validate everything before any resource is registered and throw a
// ConfigError that lists every problem at once.
import { partitionOf } from "./patterns";
import * as pulumi from "@pulumi/pulumi";
import { iamRoleArn } from "../components/arns";
import { ConfigError, ConfigProblem, formatProblems, freeName, setCommand } from "./errors";
import {
    AccessAnalyzerSettings,
    AuditRoleSettings,
    CiSettings,
    DEFAULT_AUDIT_ROLE,
    GuardrailsSettings,
    IamQuotas,
    PROVIDER_ROLE_ENV,
    ProviderRole,
    RawSecurityConfig,
    TrustedPrincipals,
} from "./schema";
import { MockMonitor } from "@pulumi/pulumi/runtime/mocks";
import { placeholderProblems } from "./placeholders";
import { partnerWorkloadProblems, type ResourceControlSettings } from "./schema/resourceControls";
import {
    decodeValues,
    PROJECT_ROOT,
    projectFileProblems,
    readStackFile,
    StackFileError,
    stackFilePath,
} from "./stackFile";
import type { IdentityCenterSettings } from "./schema/identityCenter";
import {
    namespaceValues,
    rawStackValues,
    RawStackValues,
    usersOf,
    validateSecurityConfig,
    validateWorkloadConfig,
} from "./validate";

export { ConfigError, InputError, formatProblems } from "./errors";
export type { ConfigProblem } from "./errors";
export * from "./schema";
export {
    StackFileError,
    readStackFile,
    parseStackFile,
    projectFileProblems,
    stackFilePath,
    decodeValues,
    howToCreate,
    PROJECT_ROOT,
    STACK_FILE_KEYS,
} from "./stackFile";
export type { StackFileConfig } from "./stackFile";
export {
    accountBudget,
    rawStackValues,
    validateSecurityConfig,
    validateWorkloadConfig,
    namespaceValues,
} from "./validate";
export type { RawStackValues } from "./validate";
export {
    isPlaceholder,
    placeholderProblems,
    PLACEHOLDER_PREFIX,
    stackFileWarnings,
} from "./placeholders";

/**
 * Whether `REPLACE-ME` example values may pass: only under Pulumi's mock runtime (the offline plan
 * and unit tests), where nothing deploys and the plan reports them as warnings. Under the real
 * engine, `pulumi preview` and `pulumi up` refuse them.
 */
export function placeholdersAllowed(): boolean {
    try {
        return pulumi.runtime.getMonitor() instanceof MockMonitor;
    } catch {
        return false;
    }
}

/** Options of `loadSecurityConfig` and `loadWorkloadConfig`. */
export interface LoadOptions {
    /** Accept `REPLACE-ME` example values. Default: only under the mock runtime (`placeholdersAllowed`). */
    readonly allowPlaceholders?: boolean;
}

/** An account the program deploys into, and how its provider reaches it. */
export interface AccountTarget {
    /**
     * Short name: a label for tags, outputs and the report. The security stack's fixed labels
     * (`security`, `management`, `log-archive`) name its providers; a workload account's resources
     * are named from its id instead (stacks/resourceNames.ts), so renaming an entry moves nothing.
     */
    readonly name: string;
    readonly accountId: string;
    /** Role the provider assumes in the account. */
    readonly deployRoleName: string;
    /** ExternalId the deploy role requires, as a secret. */
    readonly deployExternalId?: pulumi.Output<string>;
    /** The account's read-only preview role, where the program creates one (components/previewRole.ts). */
    readonly previewRoleName?: string;
}

export interface CommonConfig {
    readonly stack: string;
    readonly region: string;
    /** AWS partition of the region: aws, aws-cn or aws-us-gov. */
    readonly partition: string;
    readonly securityAccountId: string;
    /** Tags for every taggable resource, including ManagedBy and Stack. */
    readonly tags: Record<string, string>;
    /** Which role the account providers assume on this run (components/provider.ts). */
    readonly providerRole: ProviderRole;
    /** IAM's quotas in the stack's accounts, as raised (the within-iam-quotas proof reads them). */
    readonly iamQuotas: IamQuotas;
}

/** Where the workload stack learns which principals to trust. */
export type TrustSource =
    | { readonly kind: "stackReference"; readonly stackName: string }
    | { readonly kind: "config"; readonly principals: pulumi.Output<TrustedPrincipals> };

/** StackSet mode, resolved: the admin account's target and the regions. */
export interface StackSetConfig {
    readonly admin: AccountTarget;
    readonly callAs: "SELF" | "DELEGATED_ADMIN";
    readonly organizationalUnitIds: readonly string[];
    readonly regions: readonly string[];
    readonly name: string;
    /** The template holds the IncidentResponseRole: every account of the OUs gets it. */
    readonly incidentResponseRole: boolean;
    /** The template holds the BreakGlassRole: every account of the OUs gets it. */
    readonly breakGlassRole: boolean;
}

export interface WorkloadConfig extends CommonConfig {
    /** `provider` (one provider per account) or `stackset` (set when `stackSet` is). */
    readonly stackSet?: StackSetConfig;
    /** Each account, with the duty roles it enables (both off unless set). */
    readonly accounts: readonly (AccountTarget & {
        readonly incidentResponseRole?: boolean;
        readonly breakGlassRole?: boolean;
    })[];
    readonly auditRole: AuditRoleSettings;
    readonly trust: TrustSource;
}

/** The accounts and role settings of one workload stack, as the security stack sees them. */
export interface WorkloadStackTargets {
    readonly stack: string;
    readonly accounts: readonly WorkloadAccountTarget[];
    readonly auditRole: AuditRoleSettings;
    readonly deploymentMode: "provider" | "stackset";
    /** The stack's preview role name, when it creates preview roles (`previewRole`, provider mode only). */
    readonly previewRoleName?: string;
    /** In StackSet mode: the StackSet's name and the OUs it deploys to. */
    readonly stackSet?: {
        readonly name: string;
        readonly organizationalUnitIds: readonly string[];
    };
}

/** One workload account as the security stack sees it: where it is, how it is reached, which duty roles it has. */
export interface WorkloadAccountTarget {
    readonly name: string;
    readonly accountId: string;
    /** The role its provider assumes; SCPs exempt it, and the CI role may assume it. */
    readonly deployRoleName: string;
    readonly incidentResponseRole: boolean;
    readonly breakGlassRole: boolean;
}

export interface SecurityConfig extends CommonConfig {
    readonly organizationId: string;
    readonly security: AccountTarget;
    readonly management: AccountTarget;
    /** Defaults to the security account. */
    readonly logArchive: AccountTarget;
    readonly auditors: readonly string[];
    readonly reporters: readonly {
        readonly name: string;
        readonly externalId: pulumi.Output<string>;
        /** Public CIDR blocks the reporter's AssumeRole may come from (aws:SourceIp). */
        readonly sourceIps?: readonly string[];
        /** STS VPC endpoints the reporter's AssumeRole may come through (aws:SourceVpce). */
        readonly sourceVpces?: readonly string[];
    }[];
    readonly iamPath: string;
    readonly passwordPolicy: RawSecurityConfig["passwordPolicy"];
    readonly trail: RawSecurityConfig["trail"] & { readonly bucketName: string };
    readonly workloadTargets: readonly WorkloadStackTargets[];
    /** SCP settings, with workloadTargets defaulted to every workload account; absent when no SCPs are configured. */
    readonly guardrails?: GuardrailsSettings & { readonly workloadTargets: readonly string[] };
    /** RCP settings, with services defaulted to every RCP-supported one; absent when no RCPs are configured. */
    readonly resourceControlPolicies?: ResourceControlSettings;
    readonly alarmEmails: readonly string[];
    readonly incidentResponders: readonly string[];
    readonly breakGlassUsers: readonly string[];
    readonly ci?: CiSettings;
    readonly rootAccess?: RawSecurityConfig["rootAccess"];
    /** `accessAnalyzer`, with its regions defaulted (guardrails.allowedRegions, else aws:region). */
    readonly accessAnalyzer?: AccessAnalyzerSettings & { readonly regions: readonly string[] };
    /** IAM Identity Center, resolved: the deploying account's target, the portal URL and region defaulted. */
    readonly identityCenter?: IdentityCenterConfig;
}

/** `identityCenter`, with its defaults filled in. */
export interface IdentityCenterConfig {
    readonly instanceArn: string;
    readonly identityStoreId: string;
    readonly auditGroups: readonly string[];
    readonly incidentResponseGroups: readonly string[];
    readonly breakGlassGroups: readonly string[];
    /** The management account's target, or the delegated administrator's (`identity-center-admin`). */
    readonly deploy: AccountTarget;
    readonly permissionsBoundary?: IdentityCenterSettings["permissionsBoundary"];
    readonly portalUrl: string;
    readonly ssoRegion: string;
}

export { partitionOf };

/**
 * `ORG_ACCESS_PROVIDER_ROLE` overrides `org-access:providerRole` for one run, so the same stack
 * file previews with the preview roles in a pull request and deploys with the deploy roles on
 * main. An empty variable counts as unset; a bad value is reported like a bad config value.
 */
export function withProviderRoleOverride(
    raw: RawStackValues,
    env: Readonly<Record<string, string | undefined>> = process.env,
): RawStackValues {
    const override = env[PROVIDER_ROLE_ENV];
    if (override === undefined || override === "") return raw;
    return { ...raw, values: { ...raw.values, providerRole: override } };
}

/** The config the running program was given, as raw values, with the environment's override. */
function programValues(): RawStackValues {
    // Under `pulumi up` the engine merges Pulumi.yaml's config into the stack's; refuse it here
    // too, so the program and its offline readers agree (config/stackFile.ts, projectFileProblems).
    const project = projectFileProblems(PROJECT_ROOT);
    if (project.length > 0) throw new ConfigError(pulumi.getStack(), project);
    return withProviderRoleOverride(rawStackValues(decodeValues(pulumi.runtime.allConfig())));
}

function common(
    stack: string,
    region: string,
    securityAccountId: string,
    tags: Record<string, string>,
    providerRole: ProviderRole,
    iamQuotas: IamQuotas,
): CommonConfig {
    return {
        stack,
        region,
        partition: partitionOf(region),
        securityAccountId,
        tags: { ...tags, ManagedBy: "org-access", Stack: stack },
        providerRole,
        iamQuotas,
    };
}

function secret(v: string | undefined): pulumi.Output<string> | undefined {
    return v === undefined ? undefined : pulumi.secret(v);
}

export function loadWorkloadConfig(
    stack = pulumi.getStack(),
    raw: RawStackValues = programValues(),
    options: LoadOptions = {},
): WorkloadConfig {
    const cfg = validateWorkloadConfig(raw, stack);
    if (!(options.allowPlaceholders ?? placeholdersAllowed())) {
        const placeholders = placeholderProblems(raw.values);
        if (placeholders.length > 0) throw new ConfigError(stack, placeholders);
    }
    const trust: TrustSource = cfg.trustedPrincipals
        ? { kind: "config", principals: pulumi.secret(cfg.trustedPrincipals) }
        : {
              kind: "stackReference",
              stackName:
                  cfg.securityStack ??
                  `${pulumi.getOrganization()}/${pulumi.getProject()}/security`,
          };
    return {
        ...common(
            stack,
            raw.region as string,
            cfg.securityAccountId,
            cfg.tags,
            cfg.providerRole,
            cfg.iamQuotas,
        ),
        accounts: cfg.workloadAccounts.map((a) => ({
            ...a,
            deployExternalId: secret(a.deployExternalId),
            previewRoleName: cfg.previewRole?.name,
        })),
        auditRole: cfg.auditRole,
        trust,
        stackSet:
            cfg.deploymentMode === "stackset" && cfg.stackSet
                ? {
                      admin: {
                          name: "stackset-admin",
                          accountId: cfg.stackSet.adminAccount.accountId,
                          deployRoleName: cfg.stackSet.adminAccount.deployRoleName,
                          deployExternalId: secret(cfg.stackSet.adminAccount.deployExternalId),
                      },
                      callAs: cfg.stackSet.callAs,
                      organizationalUnitIds: cfg.stackSet.organizationalUnitIds,
                      regions: cfg.stackSet.regions ?? [raw.region as string],
                      name: cfg.stackSet.name,
                      incidentResponseRole: cfg.stackSet.incidentResponseRole === true,
                      breakGlassRole: cfg.stackSet.breakGlassRole === true,
                  }
                : undefined,
    };
}

/**
 * Reads the workload stacks' files, so that one entry in `workloadAccounts` is all it takes to
 * add an account: the security stack grants its groups `sts:AssumeRole` on exactly those roles.
 */
export function readWorkloadTargets(
    stacks: readonly string[],
    root?: string,
    securityRegion?: string,
): { targets: WorkloadStackTargets[]; problems: ConfigProblem[] } {
    const targets: WorkloadStackTargets[] = [];
    const problems: ConfigProblem[] = [];
    // Every stack's account names, read before any is validated: a name suggested for one stack
    // must be free in the others too, or pasting it trades one problem for another.
    const names = new Map(
        stacks.map((stack) => [stack, accountNamesIn(stackFilePath(stack, root))]),
    );
    stacks.forEach((stack, i) => {
        const file = stackFilePath(stack, root);
        try {
            const { config } = readStackFile(file);
            const namesElsewhere = [...names].flatMap(([s, n]) => (s === stack ? [] : n));
            const cfg = validateWorkloadConfig(
                { ...rawStackValues(decodeValues(config)), namesElsewhere },
                stack,
            );
            // IAM trust does not cross partitions: the security account's principals (arn:aws:...)
            // can never assume a role in an aws-cn or aws-us-gov account, nor the other way round
            // (https://docs.aws.amazon.com/whitepapers/latest/aws-fault-isolation-boundaries/partitions.html).
            const region = config["aws:region"];
            if (securityRegion && region && partitionOf(region) !== partitionOf(securityRegion))
                problems.push({
                    path: `workloadStacks[${i}]`,
                    message: `Pulumi.${stack}.yaml's aws:region ${region} is in partition ${partitionOf(region)}, but the security stack's aws:region ${securityRegion} is in ${partitionOf(securityRegion)}: IAM trust does not cross partitions, so no principal of the security account could assume its roles`,
                    fix: `deploy that stack in the security stack's partition: pulumi config set --stack ${stack} aws:region ${securityRegion}; a second partition needs its own security stack`,
                });
            // In StackSet mode a duty role is StackSet-wide: every listed account has it (and so
            // does every other account of the OUs, which the grants reach by role name).
            const stackSet = cfg.deploymentMode === "stackset" ? cfg.stackSet : undefined;
            targets.push({
                stack,
                accounts: cfg.workloadAccounts.map((a) => ({
                    name: a.name,
                    accountId: a.accountId,
                    deployRoleName: a.deployRoleName,
                    incidentResponseRole:
                        a.incidentResponseRole === true || stackSet?.incidentResponseRole === true,
                    breakGlassRole: a.breakGlassRole === true || stackSet?.breakGlassRole === true,
                })),
                auditRole: cfg.auditRole,
                deploymentMode: cfg.deploymentMode,
                previewRoleName: cfg.previewRole?.name,
                ...(stackSet && {
                    stackSet: {
                        name: stackSet.name,
                        organizationalUnitIds: stackSet.organizationalUnitIds,
                    },
                }),
            });
        } catch (e) {
            if (e instanceof StackFileError) {
                // The error's own problems carry their fixes (how to create a missing file, too).
                const missing = e.problems.some((p) => /does not exist/.test(p.message));
                problems.push({
                    path: `workloadStacks[${i}]`,
                    message: e.message.replace(/\n/g, "\n  "),
                    fix:
                        e.problems.length === 0
                            ? `create ${file} or remove "${stack}" from workloadStacks`
                            : missing
                              ? `or remove "${stack}" from workloadStacks`
                              : undefined,
                });
            } else if (e instanceof ConfigError) {
                problems.push({
                    path: `workloadStacks[${i}]`,
                    message: `the stack file of "${stack}" is invalid:\n  ${e
                        .pinned()
                        .problems.map((p) => formatProblems(stack, [p]).split("\n")[1])
                        .join("\n  ")}`,
                });
            } else throw e;
        }
    });
    return { targets, problems };
}

/** The string `name`s of a stack file's workloadAccounts entries; none when it cannot be read. */
function accountNamesIn(file: string): string[] {
    try {
        const accounts = namespaceValues(decodeValues(readStackFile(file).config)).workloadAccounts;
        return Array.isArray(accounts)
            ? accounts.flatMap((a) =>
                  typeof (a as { name?: unknown } | null)?.name === "string"
                      ? [(a as { name: string }).name]
                      : [],
              )
            : [];
    } catch (e) {
        // An unreadable file is reported when the stack itself is read.
        if (e instanceof StackFileError) return [];
        throw e;
    }
}

/**
 * StackSet-mode workload stacks must not collide. Two with one StackSet name would be one StackSet:
 * CloudFormation allows a name once in an administrator account's Region (CreateStackSet), so the
 * second stack's create fails, or, after an import, both stacks manage it and undo each other.
 * Two listing one OU would both deploy the same roles (SecurityAuditRole...) to its accounts, and
 * the second StackSet's instances fail on names the first one holds.
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_CreateStackSet.html
 */
function stackSetClashes(targets: readonly WorkloadStackTargets[]): ConfigProblem[] {
    const problems: ConfigProblem[] = [];
    const names = new Map<string, string>();
    const ous = new Map<string, string>();
    targets.forEach((t, i) => {
        if (!t.stackSet) return;
        const owner = names.get(t.stackSet.name);
        if (owner !== undefined)
            problems.push({
                path: `workloadStacks[${i}]`,
                message: `stack "${t.stack}" names its StackSet "${t.stackSet.name}" (stackSet.name), as stack "${owner}" does: a StackSet name is unique in its administrator account's Region, so both stacks would manage one StackSet`,
                // Named after its stack, or the first such name no stack's StackSet has.
                fix: setCommand(
                    "stackSet.name",
                    freeName(
                        `org-access-${t.stack}`,
                        new Set(targets.flatMap((x) => (x.stackSet ? [x.stackSet.name] : []))),
                    ),
                    { stack: t.stack },
                ),
            });
        else names.set(t.stackSet.name, t.stack);
        for (const ou of t.stackSet.organizationalUnitIds) {
            const first = ous.get(ou);
            if (first !== undefined && first !== t.stack)
                problems.push({
                    path: `workloadStacks[${i}]`,
                    message: `stack "${t.stack}" lists OU ${ou} in stackSet.organizationalUnitIds, as stack "${first}" does: both StackSets would create the same roles in its accounts`,
                    fix: `list each OU in one stack's stackSet.organizationalUnitIds only`,
                });
            else ous.set(ou, t.stack);
        }
    });
    return problems;
}

export function loadSecurityConfig(
    stack = pulumi.getStack(),
    raw: RawStackValues = programValues(),
    root?: string,
    options: LoadOptions = {},
): SecurityConfig {
    const cfg = validateSecurityConfig(raw, stack);
    const { targets, problems } = readWorkloadTargets(
        cfg.workloadStacks,
        root,
        typeof raw.region === "string" ? raw.region : undefined,
    );
    const clashes = targets.flatMap((t) =>
        t.accounts.filter((a) => a.accountId === cfg.securityAccountId).map(() => t.stack),
    );
    for (const s of clashes)
        problems.push({
            path: "securityAccountId",
            message: `stack "${s}" lists the security account as a workload account`,
            fix: `remove it from Pulumi.${s}.yaml`,
        });
    // The management and log-archive accounts are the security stack's own too (account:import
    // skips all three). SCPs never apply to the management account
    // (https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps.html),
    // and the log-archive account holds the trail's bucket and key. Checked here, across every
    // workload stack, so account:add, account:import, a hand edit and the plan all refuse them.
    // An id that is also the security account's is reported above, once.
    const own = new Map<string, { key: string; what: string; why: string }>();
    for (const [id, key, what, why] of [
        [
            cfg.managementAccount.accountId,
            "managementAccount.accountId",
            "the management account",
            "SCPs never apply to it, so its roles would escape every guardrail",
        ],
        [
            cfg.logArchiveAccount?.accountId,
            "logArchiveAccount.accountId",
            "the log-archive account",
            "it holds the organization trail's bucket and key, which only the security stack deploys to",
        ],
    ] as const)
        if (id !== undefined && id !== cfg.securityAccountId && !own.has(id))
            own.set(id, { key, what, why });
    for (const t of targets)
        t.accounts.forEach((a, i) => {
            const o = own.get(a.accountId);
            if (o)
                problems.push({
                    path: o.key,
                    message: `stack "${t.stack}" lists ${o.what} ${a.accountId} as workload account "${a.name}" (workloadAccounts[${i}]): ${o.why}`,
                    fix: `it is never a workload account: leave it out, and if the file lists it, npx org-access account remove --name ${a.name} --stack ${t.stack}`,
                });
        });
    const names = new Set<string>();
    for (const t of targets) {
        for (const a of t.accounts) {
            if (names.has(a.name))
                problems.push({
                    path: "workloadStacks",
                    message: `account name "${a.name}" appears in more than one workload stack`,
                    fix: "account names must be unique across the organization",
                });
            names.add(a.name);
        }
    }
    problems.push(...stackSetClashes(targets));
    problems.push(...partnerWorkloadProblems(cfg.resourceControlPolicies, targets));
    // A duty role a workload stack asks for needs principals here, or nobody could assume it.
    for (const [flag, enabled, key] of [
        ["incidentResponseRole", cfg.incidentResponse !== undefined, "incidentResponse"],
        ["breakGlassRole", cfg.breakGlass !== undefined, "breakGlass"],
    ] as const) {
        // A StackSet-mode stack enables a duty StackSet-wide: named once, by its key.
        const asking = targets.flatMap((t) =>
            t.deploymentMode === "stackset"
                ? t.accounts.some((a) => a[flag])
                    ? [`${t.stack} (stackSet.${flag})`]
                    : []
                : t.accounts.filter((a) => a[flag]).map((a) => `${t.stack}/${a.name}`),
        );
        if (asking.length > 0 && !enabled) {
            problems.push({
                path: key,
                message: `is not configured, but ${asking.join(", ")} set ${flag}: true`,
                // A user who has no other duty here: one IAM user, one duty.
                fix: setCommand(
                    key === "breakGlass" ? "breakGlass.users[0]" : "incidentResponse.responders[0]",
                    freeName(
                        key === "breakGlass" ? "break-glass" : "incident-responder",
                        usersOf(raw.values),
                    ),
                ),
            });
        }
    }
    // Pull-request previews reach every account through its preview role: a provider-mode workload
    // stack without one could not be previewed, and nothing would say why.
    if (cfg.ci) {
        targets.forEach((t, i) => {
            if (t.deploymentMode === "provider" && t.previewRoleName === undefined)
                problems.push({
                    path: `workloadStacks[${i}]`,
                    message: `ci is configured, but stack "${t.stack}" has no previewRole, so pull requests could not preview its accounts`,
                    fix: setCommand("previewRole.name", cfg.ci!.previewRoleName, {
                        stack: t.stack,
                    }),
                });
        });
    }
    // An example value never deploys: a REPLACE-ME ExternalId would be a trust condition anyone
    // who reads the stack file can meet.
    if (!(options.allowPlaceholders ?? placeholdersAllowed()))
        problems.push(...placeholderProblems(raw.values));
    if (problems.length > 0) throw new ConfigError(stack, problems);

    const region = raw.region as string;
    const security: AccountTarget = {
        name: "security",
        accountId: cfg.securityAccountId,
        deployRoleName: cfg.securityDeployRoleName,
        deployExternalId: secret(cfg.securityDeployExternalId),
        previewRoleName: cfg.ci?.previewRoleName,
    };
    const target = (
        name: string,
        a: { accountId: string; deployRoleName: string; deployExternalId?: string },
    ): AccountTarget =>
        a.accountId === security.accountId
            ? security
            : {
                  name,
                  accountId: a.accountId,
                  deployRoleName: a.deployRoleName,
                  deployExternalId: secret(a.deployExternalId),
                  previewRoleName: cfg.ci?.previewRoleName,
              };
    const management = target("management", cfg.managementAccount);
    const logArchive = cfg.logArchiveAccount
        ? cfg.logArchiveAccount.accountId === management.accountId
            ? management
            : target("log-archive", cfg.logArchiveAccount)
        : security;
    return {
        ...common(stack, region, cfg.securityAccountId, cfg.tags, cfg.providerRole, cfg.iamQuotas),
        organizationId: cfg.organizationId,
        security,
        management,
        logArchive,
        auditors: cfg.auditors,
        reporters: cfg.reporters.map((r) => ({
            name: r.name,
            externalId: pulumi.secret(r.externalId),
            ...(r.sourceIps ? { sourceIps: r.sourceIps } : {}),
            ...(r.sourceVpces ? { sourceVpces: r.sourceVpces } : {}),
        })),
        iamPath: cfg.iamPath,
        passwordPolicy: cfg.passwordPolicy,
        trail: {
            ...cfg.trail,
            bucketName:
                cfg.trail.bucketName ?? `org-access-trail-${logArchive.accountId}-${region}`,
        },
        workloadTargets: targets,
        guardrails: cfg.guardrails && {
            ...cfg.guardrails,
            workloadTargets:
                cfg.guardrails.workloadTargets ??
                targets.flatMap((t) => t.accounts.map((a) => a.accountId)),
        },
        resourceControlPolicies: cfg.resourceControlPolicies,
        alarmEmails: cfg.alarms.emails,
        incidentResponders: cfg.incidentResponse?.responders ?? [],
        breakGlassUsers: cfg.breakGlass?.users ?? [],
        ci: cfg.ci,
        rootAccess: cfg.rootAccess,
        accessAnalyzer: cfg.accessAnalyzer && {
            ...cfg.accessAnalyzer,
            regions: cfg.accessAnalyzer.regions ?? cfg.guardrails?.allowedRegions ?? [region],
        },
        identityCenter: cfg.identityCenter && {
            instanceArn: cfg.identityCenter.instanceArn,
            identityStoreId: cfg.identityCenter.identityStoreId,
            auditGroups: cfg.identityCenter.auditGroups,
            incidentResponseGroups: cfg.identityCenter.incidentResponseGroups ?? [],
            breakGlassGroups: cfg.identityCenter.breakGlassGroups ?? [],
            deploy:
                cfg.identityCenter.deployAccount === "management"
                    ? management
                    : target("identity-center-admin", cfg.identityCenter.deployAccount),
            permissionsBoundary: cfg.identityCenter.permissionsBoundary,
            // The portal's unaliased URL, https://d-xxxxxxxxxx.awsapps.com/start, whose d-... is the
            // instance's identity store id; a customized subdomain needs portalUrl. Validated: only a
            // d-... store in the aws partition gets this default.
            // https://docs.aws.amazon.com/signin/latest/userguide/sign-in-urls-defined.html
            portalUrl:
                cfg.identityCenter.portalUrl?.replace(/\/$/, "") ??
                `https://${cfg.identityCenter.identityStoreId}.awsapps.com/start`,
            ssoRegion: cfg.identityCenter.ssoRegion ?? region,
        },
    };
}

/** The audit role ARN in an account, as the security side grants it. */
export function auditRoleArn(
    partition: string,
    accountId: string,
    role: Pick<AuditRoleSettings, "name" | "path">,
): string {
    return iamRoleArn(partition, accountId, role.name, role.path);
}

export { DEFAULT_AUDIT_ROLE };
