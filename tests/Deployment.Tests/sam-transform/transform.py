#!/usr/bin/env python3
"""Runs the AWS SAM translator on a SAM template as `sam package` leaves it.

`sam package` uploads local code and definitions and rewrites their properties: a zip function's
CodeUri becomes an s3:// URI, an image function gets an ECR ImageUri, and a state machine's
DefinitionUri becomes {Bucket, Key}. The translator refuses local paths, so this script makes the
same rewrites (with made-up bucket, key and repository names) and then runs the translator exactly
as the AWS::Serverless-2016-10-31 transform does, with AWS's bundled managed-policy map.

Usage: transform.py TEMPLATE [--parameter KEY=VALUE ...] [--region REGION] [--inline-definitions]

--inline-definitions puts each state machine's ASL file into Definition instead of DefinitionUri.

Prints one JSON object on stdout and exits with:
  0  {"template": <the transformed CloudFormation template>}
  1  {"errors": ["...", ...]}  the translator refused the template
  3  {"missing": "..."}        aws-sam-translator (or boto3, PyYAML) is not installed
"""

import argparse
import json
import os
import sys

PACKAGE_BUCKET = "sam-package-bucket"
ACCOUNT_ID = "123456789012"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("template")
    parser.add_argument("--parameter", action="append", default=[], metavar="KEY=VALUE")
    parser.add_argument("--region", default="us-east-1")
    parser.add_argument("--inline-definitions", action="store_true")
    args = parser.parse_args()

    try:
        import boto3
        from samtranslator.internal.managed_policies import get_bundled_managed_policy_map
        from samtranslator.model.exceptions import InvalidDocumentException
        from samtranslator.parser.parser import Parser
        from samtranslator.translator.translator import Translator
        from samtranslator.yaml_helper import yaml_parse
    except ImportError as error:
        return report(3, {"missing": f"{error} (pip install aws-sam-translator)"})

    parameters = {}
    for pair in args.parameter:
        key, separator, value = pair.partition("=")
        if not separator or not key:
            parser.error(f"--parameter {pair!r}: expected KEY=VALUE")
        parameters[key] = value

    with open(args.template, encoding="utf-8") as file:
        template = yaml_parse(file.read())
    package(template, os.path.dirname(os.path.abspath(args.template)), args.region, args.inline_definitions)

    partition = "aws-us-gov" if args.region.startswith("us-gov-") else "aws-cn" if args.region.startswith("cn-") else "aws"
    translator = Translator(get_bundled_managed_policy_map(partition), Parser(), boto_session=boto3.session.Session(region_name=args.region))
    try:
        transformed = translator.translate(template, parameter_values=parameters)
    except InvalidDocumentException as error:
        return report(1, {"errors": [cause.message for cause in error.causes]})
    return report(0, {"template": transformed})


def package(template, folder, region, inline_definitions):
    """The rewrites `sam package` makes, in place."""
    for logical_id, resource in (template.get("Resources") or {}).items():
        properties = resource.get("Properties")
        if not isinstance(properties, dict):
            continue
        if resource.get("Type") == "AWS::Serverless::Function":
            if properties.get("PackageType") == "Image":
                tag = (resource.get("Metadata") or {}).get("DockerTag", "latest")
                properties["ImageUri"] = f"{ACCOUNT_ID}.dkr.ecr.{region}.amazonaws.com/sam-package-repository/{logical_id.lower()}:{tag}"
            elif isinstance(properties.get("CodeUri"), str) and not properties["CodeUri"].startswith("s3://"):
                properties["CodeUri"] = f"s3://{PACKAGE_BUCKET}/{logical_id}.zip"
        elif resource.get("Type") == "AWS::Serverless::StateMachine" and isinstance(properties.get("DefinitionUri"), str):
            if inline_definitions:
                with open(os.path.join(folder, properties.pop("DefinitionUri")), encoding="utf-8") as file:
                    properties["Definition"] = json.load(file)
            else:
                properties["DefinitionUri"] = {"Bucket": PACKAGE_BUCKET, "Key": f"{logical_id}.asl.json"}


def report(code, result):
    json.dump(result, sys.stdout, sort_keys=True, default=str)
    sys.stdout.write("\n")
    return code


if __name__ == "__main__":
    sys.exit(main())
