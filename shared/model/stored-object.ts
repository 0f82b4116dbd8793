/** An object in the bucket, as a listing answers it. */
export interface StoredObject {
  key: string;
  lastModified: number;
  size: number;
}
