/**
 * Request parameter encoding: `application/x-www-form-urlencoded` text (also the GET query
 * string) and `multipart/form-data` when a file is attached (fax/send).
 */

/** A file attached to a request, sent as a multipart file part. */
export interface HoiioFilePart {
  readonly kind: 'file';
  readonly data: Uint8Array;
  readonly filename: string;
  readonly contentType: string;
}

/** A request parameter value; `undefined` and `null` are left out of the request. */
export type HoiioParamValue = string | number | boolean | HoiioFilePart | undefined | null;

/** Request parameters by their wire (snake_case) names. */
export type HoiioParams = Readonly<Record<string, HoiioParamValue>>;

/** A file part for `request()` params. */
export function filePart(data: Uint8Array, filename: string, contentType = 'application/octet-stream'): HoiioFilePart {
  return { kind: 'file', data, filename, contentType };
}

function isFile(value: HoiioParamValue): value is HoiioFilePart {
  return typeof value === 'object' && value !== null && value.kind === 'file';
}

/** Whether any parameter is a file (the request must then be a multipart POST). */
export function hasFile(params: HoiioParams): boolean {
  return Object.values(params).some(isFile);
}

/** The parameter that is not well-formed Unicode, if any (it cannot be encoded as UTF-8). */
export class MalformedParamError extends Error {
  constructor(
    readonly param: string,
    options?: { cause?: unknown },
  ) {
    super(`Parameter ${param} is not well-formed Unicode`, options);
    this.name = 'MalformedParamError';
  }
}

function text(value: string | number | boolean): string {
  return typeof value === 'string' ? value : String(value);
}

function encode(key: string, value: string): string {
  try {
    // encodeURIComponent writes UTF-8 and escapes `+` as %2B, so `+65…` survives the trip.
    return `${encodeURIComponent(key)}=${encodeURIComponent(value)}`;
  } catch (cause) {
    throw new MalformedParamError(key, { cause });
  }
}

/**
 * Form-encodes `params` (UTF-8, `+` → `%2B`, space → `%20`), skipping `undefined`/`null`.
 * @throws MalformedParamError for a string with a lone surrogate.
 * @throws TypeError when a parameter is a file (use `toMultipart`).
 */
export function toFormUrlEncoded(params: HoiioParams): string {
  const parts: string[] = [];
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined || value === null) continue;
    if (isFile(value)) throw new TypeError(`Parameter ${key} is a file: use multipart`);
    parts.push(encode(key, text(value)));
  }
  return parts.join('&');
}

/**
 * Builds a multipart body: each file as a file part with its filename, the rest as text fields.
 * @throws MalformedParamError for a string with a lone surrogate.
 */
export function toMultipart(params: HoiioParams): FormData {
  const form = new FormData();
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined || value === null) continue;
    if (isFile(value)) {
      form.append(key, new Blob([new Uint8Array(value.data)], { type: value.contentType }), value.filename);
    } else {
      const s = text(value);
      encode(key, s); // the same well-formedness check as the url-encoded path
      form.append(key, s);
    }
  }
  return form;
}
