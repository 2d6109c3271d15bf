using System.Net;

namespace DisasterRecovery.LocalS3.Http;

/// <summary>
/// Every error this server can answer with: S3's code, its HTTP status and the message S3 itself uses,
/// kept in one place so the wire contract is reviewable at a glance.
/// </summary>
internal static class S3Errors
{
    public static readonly S3ErrorKind AccessDenied = new("AccessDenied", HttpStatusCode.Forbidden, "Access Denied");
    public static readonly S3ErrorKind AuthorizationHeaderMalformed =
        new("AuthorizationHeaderMalformed", HttpStatusCode.BadRequest, "The authorization header is malformed.");
    public static readonly S3ErrorKind AuthorizationQueryParametersError =
        new("AuthorizationQueryParametersError", HttpStatusCode.BadRequest, "Error parsing the X-Amz-Credential parameter.");
    public static readonly S3ErrorKind BadDigest = new("BadDigest", HttpStatusCode.BadRequest, "The Content-MD5 you specified did not match what we received.");
    public static readonly S3ErrorKind BucketAlreadyOwnedByYou =
        new("BucketAlreadyOwnedByYou", HttpStatusCode.Conflict, "Your previous request to create the named bucket succeeded and you already own it.");
    public static readonly S3ErrorKind BucketNotEmpty = new("BucketNotEmpty", HttpStatusCode.Conflict, "The bucket you tried to delete is not empty");
    public static readonly S3ErrorKind EntityTooSmall =
        new("EntityTooSmall", HttpStatusCode.BadRequest, "Your proposed upload is smaller than the minimum allowed object size.");
    public static readonly S3ErrorKind IncompleteBody =
        new("IncompleteBody", HttpStatusCode.BadRequest, "You did not provide the number of bytes specified by the Content-Length HTTP header.");
    public static readonly S3ErrorKind InternalError =
        new("InternalError", HttpStatusCode.InternalServerError, "We encountered an internal error. Please try again.");
    public static readonly S3ErrorKind InvalidAccessKeyId =
        new("InvalidAccessKeyId", HttpStatusCode.Forbidden, "The AWS Access Key Id you provided does not exist in our records.");
    public static readonly S3ErrorKind InvalidArgument = new("InvalidArgument", HttpStatusCode.BadRequest, "Invalid Argument");
    public static readonly S3ErrorKind InvalidBucketName = new("InvalidBucketName", HttpStatusCode.BadRequest, "The specified bucket is not valid.");
    public static readonly S3ErrorKind InvalidBucketState =
        new("InvalidBucketState", HttpStatusCode.Conflict, "The request is not valid with the current state of the bucket.");
    public static readonly S3ErrorKind InvalidDigest = new("InvalidDigest", HttpStatusCode.BadRequest, "The Content-MD5 you specified was invalid.");
    public static readonly S3ErrorKind InvalidObjectState =
        new("InvalidObjectState", HttpStatusCode.Forbidden, "The operation is not valid for the object's storage class");
    public static readonly S3ErrorKind InvalidPart = new("InvalidPart", HttpStatusCode.BadRequest,
        "One or more of the specified parts could not be found.  The part may not have been uploaded, or the specified entity tag may not match the part's " +
        "entity tag.");
    public static readonly S3ErrorKind InvalidPartOrder =
        new("InvalidPartOrder", HttpStatusCode.BadRequest, "The list of parts was not in ascending order. Parts must be ordered by part number.");
    public static readonly S3ErrorKind InvalidRange =
        new("InvalidRange", HttpStatusCode.RequestedRangeNotSatisfiable, "The requested range is not satisfiable");
    public static readonly S3ErrorKind InvalidRequest = new("InvalidRequest", HttpStatusCode.BadRequest, "Invalid Request");
    public static readonly S3ErrorKind InvalidStorageClass =
        new("InvalidStorageClass", HttpStatusCode.BadRequest, "The storage class you specified is not valid");
    public static readonly S3ErrorKind InvalidURI = new("InvalidURI", HttpStatusCode.BadRequest, "Couldn't parse the specified URI.");
    public static readonly S3ErrorKind KeyTooLongError = new("KeyTooLongError", HttpStatusCode.BadRequest, "Your key is too long");
    public static readonly S3ErrorKind MalformedXML =
        new("MalformedXML", HttpStatusCode.BadRequest, "The XML you provided was not well-formed or did not validate against our published schema");
    public static readonly S3ErrorKind MethodNotAllowed =
        new("MethodNotAllowed", HttpStatusCode.MethodNotAllowed, "The specified method is not allowed against this resource.");
    public static readonly S3ErrorKind MissingContentLength =
        new("MissingContentLength", HttpStatusCode.LengthRequired, "You must provide the Content-Length HTTP header.");
    public static readonly S3ErrorKind MalformedPolicy = new("MalformedPolicy", HttpStatusCode.BadRequest, "Policies must be valid JSON");
    public static readonly S3ErrorKind NoSuchBucketPolicy = new("NoSuchBucketPolicy", HttpStatusCode.NotFound, "The bucket policy does not exist");
    public static readonly S3ErrorKind NoSuchPublicAccessBlockConfiguration =
        new("NoSuchPublicAccessBlockConfiguration", HttpStatusCode.NotFound, "The public access block configuration was not found");
    public static readonly S3ErrorKind OwnershipControlsNotFoundError =
        new("OwnershipControlsNotFoundError", HttpStatusCode.NotFound, "The bucket ownership controls were not found");
    public static readonly S3ErrorKind NoSuchBucket = new("NoSuchBucket", HttpStatusCode.NotFound, "The specified bucket does not exist");
    public static readonly S3ErrorKind NoSuchKey = new("NoSuchKey", HttpStatusCode.NotFound, "The specified key does not exist.");
    public static readonly S3ErrorKind NoSuchLifecycleConfiguration =
        new("NoSuchLifecycleConfiguration", HttpStatusCode.NotFound, "The lifecycle configuration does not exist");
    public static readonly S3ErrorKind NoSuchObjectLockConfiguration =
        new("NoSuchObjectLockConfiguration", HttpStatusCode.NotFound, "The specified object does not have a ObjectLock configuration");
    public static readonly S3ErrorKind NoSuchTagSet = new("NoSuchTagSet", HttpStatusCode.NotFound, "The TagSet does not exist");
    public static readonly S3ErrorKind NoSuchUpload = new("NoSuchUpload", HttpStatusCode.NotFound,
        "The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.");
    public static readonly S3ErrorKind NoSuchVersion = new("NoSuchVersion", HttpStatusCode.NotFound, "The specified version does not exist.");
    public static readonly S3ErrorKind NotImplemented =
        new("NotImplemented", HttpStatusCode.NotImplemented, "A header or query you provided implies functionality that is not implemented.");
    public static readonly S3ErrorKind ObjectLockConfigurationNotFoundError =
        new("ObjectLockConfigurationNotFoundError", HttpStatusCode.NotFound, "Object Lock configuration does not exist for this bucket");
    public static readonly S3ErrorKind PreconditionFailed =
        new("PreconditionFailed", HttpStatusCode.PreconditionFailed, "At least one of the pre-conditions you specified did not hold");
    public static readonly S3ErrorKind ReplicationConfigurationNotFoundError =
        new("ReplicationConfigurationNotFoundError", HttpStatusCode.NotFound, "The replication configuration was not found");
    public static readonly S3ErrorKind ServerSideEncryptionConfigurationNotFoundError =
        new("ServerSideEncryptionConfigurationNotFoundError", HttpStatusCode.NotFound, "The server side encryption configuration was not found");
    public static readonly S3ErrorKind SignatureDoesNotMatch = new("SignatureDoesNotMatch", HttpStatusCode.Forbidden,
        "The request signature we calculated does not match the signature you provided. Check your key and signing method.");
    public static readonly S3ErrorKind XAmzContentSHA256Mismatch =
        new("XAmzContentSHA256Mismatch", HttpStatusCode.BadRequest, "The provided 'x-amz-content-sha256' header does not match what was computed.");

    // Messages S3 uses for specific cases of the general codes above.
    public const string ChecksumMismatchMessage = "The {0} you specified did not match the calculated checksum.";
    public const string MultipleChecksumsMessage = "Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.";
    public const string RequestExpiredMessage = "Request has expired";
    public const string AnonymousMessage = "Anonymous access is not allowed on this local endpoint: sign requests with the configured credentials.";
    public const string MissingContentSha256Message = "Missing required header for this request: x-amz-content-sha256";
    public const string WrongRegionMessage = "The authorization header is malformed; the region '{0}' is wrong; expecting '{1}'";
    public const string UnsupportedAlgorithmMessage = "Unsupported authorization algorithm: only AWS4-HMAC-SHA256 is accepted.";
    public const string ChunkSignatureMismatchMessage = "The chunk signature we calculated does not match the signature you provided.";
    public const string TrailerSignatureMismatchMessage = "The trailer signature we calculated does not match the signature you provided.";
    public const string MalformedChunkMessage = "The aws-chunked request body is malformed.";
    public const string DecodedLengthMismatchMessage = "The decoded body length does not match x-amz-decoded-content-length.";
    public const string MissingDecodedLengthMessage = "x-amz-decoded-content-length is required for aws-chunked bodies.";
    public const string LockedObjectMessage = "Access Denied because object protected by object lock.";
    public const string BucketMissingLockConfigurationMessage = "Bucket is missing Object Lock Configuration";
    public const string LockRequiresChecksumMessage =
        "Content-MD5 OR x-amz-checksum- HTTP header is required for Put Object requests with Object Lock parameters";
    public const string LockModeAndDateTogetherMessage = "x-amz-object-lock-retain-until-date and x-amz-object-lock-mode must both be supplied";
    public const string RetainUntilInPastMessage = "The retain until date must be in the future!";
    public const string InvalidLockModeMessage = "Unknown wormMode directive.";
    public const string InvalidLegalHoldMessage = "Legal Hold must be either of 'ON' or 'OFF'";
    public const string ComplianceCannotShortenMessage =
        "Access Denied because object protected by object lock (COMPLIANCE mode retention cannot be shortened or removed).";
    public const string GovernanceNeedsBypassMessage =
        "Access Denied because object protected by object lock (GOVERNANCE mode needs x-amz-bypass-governance-retention to shorten or remove).";
    public const string LockedBucketCannotSuspendMessage = "An Object Lock configuration is present on this bucket, so the versioning state cannot be changed.";
    public const string LockNeedsVersioningMessage = "Versioning must be 'Enabled' on the bucket to apply a Object Lock configuration";
    public const string ReplicationNeedsVersioningMessage = "Versioning must be 'Enabled' on the bucket to apply a replication configuration";
    public const string InvalidVersioningStatusMessage = "The Versioning element must be specified: Enabled or Suspended";
    public const string DeleteMarkerMethodMessage = "The specified method is not allowed against this resource.";
    public const string InvalidCopySourceMessage = "Copy Source must mention the source bucket and key: sourcebucket/sourcekey";
    public const string CopyToItselfMessage =
        "This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website " +
        "redirect location or encryption attributes.";
    public const string InvalidMaxKeysMessage = "Provided max-keys not an integer or within integer range";
    public const string InvalidPartNumberMessage = "Part number must be an integer between 1 and 10000, inclusive";
    public const string InvalidTagMessage = "The TagSet provided is invalid: tag keys must be unique, 1-128 characters, values at most 256 characters.";
    public const string InvalidContinuationTokenMessage = "The continuation token provided is incorrect";
    public const string MissingPartChecksumMessage =
        "The upload was created using a {0} checksum. The complete request must include the checksum for each part. It was missing for part {1} in the " +
        "request.";
    public const string EmptyCompleteMessage = "You must specify at least one part";
    public const string UnknownQueryMessage = "A header or query you provided implies functionality that is not implemented: {0}";
    public const string InvalidRetentionPeriodMessage = "Default retention period must be a positive integer value: specify exactly one of Days or Years.";
}

/// <summary>One S3 error: the code clients match on, its HTTP status and the default message.</summary>
internal sealed record S3ErrorKind(string Code, HttpStatusCode Status, string Message);
