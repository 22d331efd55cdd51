/**
 * When a pre-signed URL (S3 signature v2 `Expires=<epoch seconds>`, or v4 `X-Amz-Date` +
 * `X-Amz-Expires`) stops working; `undefined` when the URL says nothing about it. Lets the worker
 * refresh a media URL through query_status before fetching it.
 */
export function presignedUrlExpiresAt(url: string): Date | undefined {
  let params: URLSearchParams;
  try {
    params = new URL(url).searchParams;
  } catch {
    return undefined;
  }
  const expires = params.get('Expires');
  if (expires !== null && /^\d{1,12}$/.test(expires)) return new Date(Number(expires) * 1000);
  const amzDate = params.get('X-Amz-Date')?.match(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/);
  const amzExpires = params.get('X-Amz-Expires');
  if (amzDate && amzExpires !== null && /^\d{1,9}$/.test(amzExpires)) {
    const [, y, mo, d, h, mi, s] = amzDate.map(Number);
    const signedAt = Date.UTC(y ?? 0, (mo ?? 1) - 1, d ?? 1, h ?? 0, mi ?? 0, s ?? 0);
    return new Date(signedAt + Number(amzExpires) * 1000);
  }
  return undefined;
}
