#!/usr/bin/env bash
echo >&2 "bootstrap.sh is not supported on AL2023; use nodeadm: https://awslabs.github.io/amazon-eks-ami/nodeadm/"
exit 1
