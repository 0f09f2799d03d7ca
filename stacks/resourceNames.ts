// The logical (URN) names of a workload account's resources, written once. A URN is the engine's
// identity of a resource: a new name is a new resource, so the engine creates the new one and
// deletes the old one (https://www.pulumi.com/docs/iac/concepts/resources/names/). Account names
// are labels people change (`staging` -> `stage`); the account id is not. So every per-account
// resource of the workload stack takes its name from the id, and the human name stays in the
// `Account` tag, the outputs and the report. Physical names (the roles' names in AWS) never
// derive from either: they come from config (`auditRole.name`, the duty roles' fixed names).
//
// account:move (scripts/) uses the same functions to name what `pulumi state move` carries; the
// module loads nothing at run time (a type-only import), so a CLI can take it without the SDK.
import type { Alias } from "@pulumi/pulumi";

/** The prefix of every id-derived name: `acct-777788889999`. */
export const ACCOUNT_NAME_PREFIX = "acct-";

/**
 * The URN name of a workload account's resource: `acct-<id>` for the account's provider and audit
 * role, `acct-<id>-<suffix>` for the others (`preview`, `incident-response`, `break-glass`).
 * Components name their children from their own name (`acct-<id>-role`, `acct-<id>-deny`).
 */
export function accountResourceName(accountId: string, suffix?: string): string {
    return `${ACCOUNT_NAME_PREFIX}${accountId}${suffix ? `-${suffix}` : ""}`;
}

/** The URN name of the account's aws.Provider (a provider URN has a type of its own, so the name can match the audit role's). */
export function accountProviderName(accountId: string): string {
    return accountResourceName(accountId);
}

/**
 * The name the same resource had before names derived from the account id: `${account.name}` and
 * `${account.name}-<suffix>`. Only the upgrade from that version needs it (see
 * {@link legacyAliases}).
 */
export function legacyAccountResourceName(name: string, suffix?: string): string {
    return `${name}${suffix ? `-${suffix}` : ""}`;
}

/**
 * The alias that carries a resource over from its legacy name, so upgrading this project is a
 * no-op in `pulumi preview` (https://www.pulumi.com/docs/iac/concepts/options/aliases/). An alias
 * by name keeps the resource's type and parent. The children of a component need none of their
 * own: the engine gives each child the parent's matched alias with the parent's name swapped in
 * the child's name prefix (`acct-<id>-role` -> `staging-role`; pulumi/pulumi
 * pkg/resource/deploy/step_generator.go, `generateAliases` and `inheritedChildAlias`, and the SDK's
 * own copy for engines without alias specs, @pulumi/pulumi resource.js `allAliases`).
 *
 * The alias is keyed on the name in config today, so it only helps the upgrade: a rename made in
 * the same change as the upgrade would miss it. That is why the names themselves derive from the id.
 * Once a stack has been updated under the new names, the engine finds every resource by its URN
 * before it looks at an alias, so the alias is inert (it is also harmless when it names nothing).
 */
export function legacyAliases(name: string, suffix?: string): Alias[] {
    return [{ name: legacyAccountResourceName(name, suffix) }];
}
