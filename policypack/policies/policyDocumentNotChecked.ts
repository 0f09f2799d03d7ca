/**
 * policy-document-not-checked (advisory): names every policy the stack sets that the pack cannot
 * read, so none is skipped in silence. These are the properties of the generated table of
 * policy-carrying types (model/policyTypes.ts) that are `unchecked` (an access policy in a language
 * other than IAM's: IoT Core policies, OpenSearch Serverless access and network policies, Verified
 * Access's Cedar policies) or `unknown` (a type or property the provider added that
 * scripts/update-policy-types.ts has not classified yet). Review them by hand, or classify the
 * property in the generator so the pack reads it. It also names the customer-managed policies and
 * permissions boundaries of IAM Identity Center permission sets that no aws.iam.Policy of the stack
 * defines (./permissionSets.ts), whose admin power iam-no-admin-grants cannot judge.
 */
import {
    ResourceValidationPolicy,
    StackValidationPolicy,
    validateResourceOfType,
} from "@pulumi/policy";
import { unreadablePermissionSetPolicies } from "./permissionSets";
import { isSet, isSetOrUnknown, known, validateResourceOfTypes } from "./common";
import {
    NOT_CHECKED_KINDS,
    POLICY_TYPES,
    PolicyTypeTable,
    typesWith,
    valuesAt,
} from "../model/policyTypes";
import { resourceType } from "./types";

export const NAME = "policy-document-not-checked";

export function notCheckedMessage(
    table: PolicyTypeTable,
    type: string,
    where: string,
    kind: string,
): string {
    const why =
        kind === "unknown"
            ? `the pack's table of policy-carrying types (${table.source}) has not classified this property yet`
            : "it is an access policy in a language other than IAM's, which the pack does not read";
    return `${type} ${where} is not checked: ${why}. Review who it lets in by hand${kind === "unknown" ? ", and classify it in scripts/update-policy-types.ts (npm run update:policy-types) so the pack reads it" : ""}.`;
}

function notChecked(table: PolicyTypeTable, type: string) {
    const paths = Object.entries(table.types[type].props).filter(([, k]) =>
        NOT_CHECKED_KINDS.has(k),
    );
    return validateResourceOfType(
        resourceType<Record<string, unknown>>(type),
        (props, _args, report) => {
            for (const [path, kind] of paths) {
                // A top-level value the engine does not know yet (preview) is one the program set.
                if (!/[.[]/.test(path)) {
                    if (isSetOrUnknown(props, path))
                        report(notCheckedMessage(table, type, path, kind));
                    continue;
                }
                const read = known(() => valuesAt(props, path));
                const found =
                    "unknown" in read
                        ? [{ where: path, value: "unknown" }]
                        : read.value.filter((v) => isSet(v.value));
                for (const v of found) report(notCheckedMessage(table, type, v.where, kind));
            }
        },
    );
}

/** The policy for a table of policy-carrying types (the generated one in the pack). */
export function policyDocumentNotCheckedFor(
    table: PolicyTypeTable,
): ResourceValidationPolicy & Pick<StackValidationPolicy, "validateStack"> {
    return {
        name: NAME,
        description:
            "Names every policy the stack sets that the pack cannot read (an access policy in another language than IAM's, or a policy-carrying property the generated table has not classified), so none is skipped in silence.",
        enforcementLevel: "advisory",
        validateResource: validateResourceOfTypes(
            ...typesWith(NOT_CHECKED_KINDS, table).map((t) => notChecked(table, t)),
        ),
        // A permission set's customer-managed policy or boundary that the stack does not define.
        validateStack: (args, report) => {
            for (const u of unreadablePermissionSetPolicies(args.resources))
                report(u.message, u.urn);
        },
    };
}

export const policyDocumentNotChecked = policyDocumentNotCheckedFor(POLICY_TYPES);
