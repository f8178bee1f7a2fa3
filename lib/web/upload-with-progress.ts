// A multipart upload from the browser with progress: fetch cannot report upload progress, an
// XMLHttpRequest can (upload.onprogress). Errors come back as ApiFetchError, like apiFetch's, so a
// form shows the server's message next to the field it names (`metadata.metrics.auc` → `metrics.auc`).
import { ApiFetchError } from "./api-fetch";

export type Upload<T> = { done: Promise<T>; abort: () => void };

export function uploadWithProgress<T>(team: string, path: string, form: FormData, onProgress: (sent: number, total: number) => void): Upload<T> {
  const xhr = new XMLHttpRequest();
  const done = new Promise<T>((resolve, reject) => {
    xhr.open("POST", path);
    xhr.setRequestHeader("x-switchyard-team", team);
    xhr.responseType = "text";
    xhr.upload.onprogress = (e) => { if (e.lengthComputable) onProgress(e.loaded, e.total); };
    xhr.onload = () => {
      let json: { error?: { message?: string; field?: unknown } } | null = null;
      try { json = xhr.responseText ? JSON.parse(xhr.responseText) : null; } catch { json = null; }
      if (xhr.status >= 200 && xhr.status < 300) resolve(json as T);
      else reject(new ApiFetchError(xhr.status, json?.error?.message ?? `HTTP ${xhr.status}`, typeof json?.error?.field === "string" ? json.error.field : null));
    };
    xhr.onerror = () => reject(new ApiFetchError(0, "the upload did not reach the server: check the connection and try again"));
    xhr.onabort = () => reject(new ApiFetchError(0, "upload cancelled: nothing was stored"));
    xhr.send(form);
  });
  return { done, abort: () => xhr.abort() };
}
