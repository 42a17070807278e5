// S3 bucket ARNs (arn:aws:s3:::<bucket>): bucket names per S3's rules (3-63 of a-z, 0-9, '.', '-').
const ARN = /^arn:aws[a-z-]*:s3:::([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])$/;

export function parseBucketArn(address: string): string | undefined {
  return ARN.exec(address)?.[1];
}
