/**
 * Helpers shared by the policies: dispatching on several resource types, reading policy documents
 * out of resource props, and naming things in messages. No policy catches errors broadly: the only
 * errors caught are the model's PolicyInputError, and Pulumi's UnknownValueError in `known` alone,
 * for a policy that decides on what is known and rethrows the error when the unknown part could
 * change its verdict; everywhere else an UnknownValueError (preview) reaches the engine.
 */
import {
    ReportViolation,
    ResourceValidation,
    ResourceValidationArgs,
    UnknownValueError,
} from "@pulumi/policy";
import { DocumentKind, parsePolicyDocument, PolicyDocument, PolicyInputError } from "../iam";

/** Validation function tagged with the resource types it handles (a fast filter for the runner). */
export type TypedValidation = ResourceValidation & {
    __pulumiType?: string;
    __orgAccessTypes?: readonly string[];
};

/**
 * Combines `validateResourceOfType` validations for several types into one function: a resource
 * of another type is reported not applicable once, as the engine expects.
 */
export function validateResourceOfTypes(...validations: ResourceValidation[]): TypedValidation {
    const byType = new Map<string, ResourceValidation>();
    for (const v of validations) {
        const t = (v as TypedValidation).__pulumiType;
        if (!t)
            throw new Error(
                "validateResourceOfTypes expects validations built with validateResourceOfType",
            );
        byType.set(t, v);
    }
    const types = [...byType.keys()];
    const fn: TypedValidation = (args: ResourceValidationArgs, report: ReportViolation) => {
        const v = byType.get(args.type);
        if (!v) return args.notApplicable(`Policy only applies to ${types.join(", ")}`);
        return v(args, report);
    };
    fn.__orgAccessTypes = types;
    return fn;
}

/**
 * Parses a document prop, or returns undefined when it is absent or IAM would reject it. This is
 * how every policy reads a document: a malformed one is skipped silently here and reported once,
 * by iam-policy-document-valid. Only the model's PolicyInputError is caught.
 */
export function readDocument(value: unknown, kind: DocumentKind): PolicyDocument | undefined {
    if (value === undefined || value === null || value === "") return undefined;
    try {
        return parsePolicyDocument(value, kind);
    } catch (e) {
        if (!(e instanceof PolicyInputError)) throw e;
        return undefined;
    }
}

/**
 * The problem IAM would find in a document prop, or undefined when it parses (or is absent).
 * Used by iam-policy-document-valid only.
 */
export function documentProblem(value: unknown, kind: DocumentKind): string | undefined {
    if (value === undefined || value === null || value === "") return undefined;
    try {
        parsePolicyDocument(value, kind);
        return undefined;
    } catch (e) {
        if (!(e instanceof PolicyInputError)) throw e;
        return e.message;
    }
}

export function isSet(v: unknown): boolean {
    return v !== undefined && v !== null && v !== "";
}

/**
 * Whether `props[key]` is set, for a check that needs nothing more: a value the engine cannot know
 * yet in a preview (the output of a resource not created yet, such as a new key's ARN) counts as
 * set, because the program gave one. Reading it through the engine's proxy would throw
 * UnknownValueError and turn the whole mandatory policy into an advisory "can't run during
 * preview"; during `pulumi up` the value is known and the policy checks it as written. Only
 * UnknownValueError is caught, and only for this one read.
 */
export function isSetOrUnknown(props: object, key: string): boolean {
    const read = known(() => (props as Record<string, unknown>)[key]);
    return "unknown" in read || isSet(read.value);
}

/**
 * Reads a value through the engine's proxy, returning the UnknownValueError instead of throwing it,
 * so a policy can decide on what is known (report the violations it can see) and rethrow the error
 * only when the unknown part could change its verdict. Only UnknownValueError is caught.
 */
export function known<T>(read: () => T): { value: T } | { unknown: UnknownValueError } {
    try {
        return { value: read() };
    } catch (e) {
        if (e instanceof UnknownValueError) return { unknown: e };
        throw e;
    }
}

export { objectArray, stringArray } from "../model/resources";

/** Last path segment of an IAM ARN, or the string itself: `arn:aws:iam::1:role/a/b` -> `b`. */
export function iamName(ref: string): string {
    const m = /^arn:[^:]*:iam::[^:]*:(?:role|user|group|policy)\/(.+)$/.exec(ref);
    const path = m ? m[1] : ref;
    return path.split("/").pop() ?? path;
}

/** Case-insensitive name match (IAM names are unique case-insensitively). */
export function nameIn(ref: string | undefined, names: readonly string[]): boolean {
    if (!ref) return false;
    const n = iamName(ref).toLowerCase();
    return names.some((x) => iamName(x).toLowerCase() === n);
}

/**
 * A resource's Pulumi name among configured Pulumi names, compared whole (case-insensitively, as
 * nameIn). Never by its last `/` segment: a resource inside a CloudFormation template is named
 * `<carrier>/<logical id>` (templates.ts), and a template author chooses the logical id, so a
 * logical id that happens to equal an exempt name must not inherit the exemption.
 */
export function pulumiNameIn(name: string | undefined, names: readonly string[]): boolean {
    if (!name) return false;
    const n = name.toLowerCase();
    return names.some((x) => x.toLowerCase() === n);
}

/**
 * A resource's explicit IAM name (its `name` prop), or undefined when the name is generated. An
 * exemption by IAM name looks only at this: the fallback of physicalName is a Pulumi name, which
 * inside a template is `<carrier>/<logical id>`, and nameIn would compare its last segment.
 */
export function explicitName(props: { name?: unknown }): string | undefined {
    return typeof props.name === "string" && props.name !== "" ? props.name : undefined;
}

/** A resource's IAM name: the explicit `name` prop, else its Pulumi name. */
export function physicalName(props: { name?: unknown }, logicalName: string): string {
    return typeof props.name === "string" && props.name !== "" ? props.name : logicalName;
}

export function quoteList(items: readonly string[], max = 4): string {
    const shown = items.slice(0, max).map((i) => `"${i}"`);
    return items.length > max
        ? `${shown.join(", ")} and ${items.length - max} more`
        : shown.join(", ");
}
