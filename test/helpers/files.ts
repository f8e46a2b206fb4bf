import fs from 'node:fs/promises';
import http from 'node:http';
import type { Express } from 'express';
import type { TestApp } from './app';
import { listen } from './browser';
import type { Client } from './client';
import { samplePdf } from './sample-files';

/** Everything the store holds: files on disk, or GridFS file records and chunks. */
export async function storedFiles(t: TestApp): Promise<string[]> {
  if (t.config.uploadStore === 'gridfs') {
    const files = await t.conn.db!.collection('uploads.files').find().toArray();
    const chunks = await t.conn.db!.collection('uploads.chunks').countDocuments();
    return [...files.map((f) => String(f._id)), ...(chunks > files.length * 1000 ? ['orphan chunks'] : [])];
  }
  return (await fs.readdir(t.config.uploadDir).catch(() => [] as string[])).sort();
}

/** GridFS chunks whose file record is gone (none on disk). */
export async function orphanChunks(t: TestApp): Promise<number> {
  if (t.config.uploadStore !== 'gridfs') return 0;
  const ids = (await t.conn.db!.collection('uploads.files').find().toArray()).map((f) => String(f._id));
  const chunks = await t.conn.db!.collection('uploads.chunks').find().toArray();
  return chunks.filter((c) => !ids.includes(String(c.files_id))).length;
}

/**
 * Starts a multipart upload of a PDF to `path` as `client` over a real socket, with more bytes promised than sent,
 * and cuts the connection mid-file, as a browser does when its person gives up. `fields` come before the file.
 */
export async function abortedUpload(app: Express, client: Client, path: string, fields: Record<string, string> = {}): Promise<void> {
  const server = await listen(app);
  try {
    const boundary = '----portal-aborted-boundary';
    const head =
      Object.entries(fields)
        .map(([name, value]) => `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`)
        .join('') +
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.pdf"\r\nContent-Type: application/pdf\r\n\r\n`;
    const cookie = (await client.agent.jar.getCookies({ domain: '127.0.0.1', path: '/', secure: false, script: false }))
      .map((c) => `${c.name}=${c.value}`)
      .join('; ');
    await new Promise<void>((resolve) => {
      const req = http.request(`${server.baseUrl}${path}`, {
        method: 'POST',
        headers: {
          'content-type': `multipart/form-data; boundary=${boundary}`,
          'content-length': String(5 * 1024 * 1024),
          'x-csrf-token': client.csrfToken,
          cookie,
        },
      });
      req.on('error', () => resolve());
      req.on('close', () => resolve());
      req.write(head);
      req.write(samplePdf());
      req.write(Buffer.alloc(512 * 1024));
      setTimeout(() => req.destroy(), 200);
    });
    // The server notices the cut and cleans up.
    await new Promise((r) => setTimeout(r, 300));
  } finally {
    await server.close();
  }
}
