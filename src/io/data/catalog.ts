/**
 * Official download locations of the datasets, and what each file must be (its pin).
 *
 * What is pinned, honestly: no SHA-256 and no size has been measured yet. The pins were added on a
 * machine without internet access, and no copy of any of these archives was at hand (the shared data
 * folder holds single recordings and an unpacked CIFAR-10 batch, not the archives), so nothing could be
 * hashed; a hash is never written from memory. The MD5s are the ones the publishers list (N-MNIST on
 * its Mendeley page, CIFAR-10 on its homepage): they catch a damaged download, not a forged one.
 * MNIST-DVS publishes no checksum and is served over plain http only: until someone downloads its ten
 * zips once, checks them and pins their `sha256` and `size` here, the catalog refuses to fetch them
 * over the network (see `checkTransport`); a zip placed in the target folder by hand is still extracted
 * (its entries' CRCs are checked), and a mirror over https or on this machine works.
 * To pin: `sha256sum <file>` and `stat -c %s <file>` on a download you trust, then fill in the fields.
 */
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { extractArchive } from './archive';
import { download, DownloadError, verifyFile, type Pin } from './download';

export interface DatasetFile {
  url: string;
  /** File name to save as (archives are extracted next to it). */
  name: string;
  /** What the file must be; empty fields are not known yet (see the file comment). */
  pin: Pin;
  /** The publisher serves this file over plain http only: http is then fetched, if a SHA-256 is pinned. */
  httpOnly?: true;
}

export interface DatasetSource {
  id: 'mnist-dvs' | 'nmnist' | 'cifar10';
  title: string;
  homepage: string;
  files: DatasetFile[];
}

export const DATASETS: DatasetSource[] = [
  {
    id: 'mnist-dvs',
    title: 'MNIST-DVS (Serrano-Gotarredona & Linares-Barranco 2015)',
    homepage: 'http://www2.imse-cnm.csic.es/caviar/MNISTDVS.html',
    // No sha256 or size measured yet: fetching these over http is refused until they are pinned.
    files: Array.from({ length: 10 }, (_, d) => ({ url: `http://www2.imse-cnm.csic.es/caviar/MNIST_DVS/grabbed_data${d}.zip`, name: `grabbed_data${d}.zip`, pin: {}, httpOnly: true as const })),
  },
  {
    id: 'nmnist',
    title: 'N-MNIST (Orchard et al. 2015)',
    homepage: 'https://www.garrickorchard.com/datasets/n-mnist',
    // MD5 as published; sha256 and size not measured yet.
    files: [
      { url: 'https://data.mendeley.com/public-files/datasets/468j46mzdv/files/39c25547-014b-4137-a934-9d29fa53c7a0/file_downloaded', name: 'Train.zip', pin: { md5: '20959b8e626244a1b502305a9e6e2031' } },
      { url: 'https://data.mendeley.com/public-files/datasets/468j46mzdv/files/05a4d654-7e03-4c15-bdfa-9bb2bcbea494/file_downloaded', name: 'Test.zip', pin: { md5: '69ca8762b2fe404d9b9bad1103e97832' } },
    ],
  },
  {
    id: 'cifar10',
    title: 'CIFAR-10, binary version (Krizhevsky 2009)',
    homepage: 'https://www.cs.toronto.edu/~kriz/cifar.html',
    // MD5 as published; sha256 and size not measured yet.
    files: [{ url: 'https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz', name: 'cifar-10-binary.tar.gz', pin: { md5: 'c32a1d4ab5d03f1284b67883e8d87530' } }],
  },
];

/**
 * Downloads (resuming) and extracts every file of a dataset into `dir/<id>/`; returns that folder.
 * A `.complete` marker per file skips files done before. An archive already in the folder is checked
 * against its pin before it is extracted; one that does not match is deleted and downloaded again.
 * `baseUrl` replaces the official host (tests, mirrors): file URLs become `<baseUrl>/<name>`, and the
 * same pins apply (a mirror serves the official files).
 */
export async function installDataset(source: DatasetSource, dir: string, opts: { signal?: AbortSignal; baseUrl?: string; onProgress?: (file: string, received: number, total?: number) => void } = {}): Promise<string> {
  const root = join(dir, source.id);
  mkdirSync(root, { recursive: true });
  for (const f of source.files) {
    const marker = join(root, `${f.name}.complete`);
    if (existsSync(marker)) continue;
    const archive = join(root, f.name);
    if (existsSync(archive) && await verifyFile(archive, f.pin)) rmSync(archive, { force: true });
    if (!existsSync(archive)) {
      try {
        await download(opts.baseUrl ? `${opts.baseUrl}/${f.name}` : f.url, {
          dest: archive, pin: f.pin, allowHttp: Boolean(f.httpOnly || opts.baseUrl), signal: opts.signal, onProgress: (r, t) => opts.onProgress?.(f.name, r, t),
        });
      } catch (e) {
        // A refused transport has a way out that needs no network from us: say where the file goes.
        if (e instanceof DownloadError && e.code === 'insecure') throw new DownloadError('insecure', e.url, `${e.message.slice(e.url.length + 2)}; or put a copy of ${f.name} you have checked in ${root}`);
        throw e;
      }
    }
    try {
      await extractArchive(archive, root, opts.signal);
    } catch (e) {
      // A damaged archive is not worth keeping: the next attempt downloads it afresh.
      if (!opts.signal?.aborted) rmSync(archive, { force: true });
      throw e;
    }
    writeFileSync(marker, '');
  }
  return root;
}
