# Shared build rules for every function project; each function's Makefile includes this file.
# `sam build` runs `make build-<LogicalId>` with ARTIFACTS_DIR pointing at the artifact folder.
#
#   dotnet10 managed runtime (default): a framework-dependent executable assembly; Handler = assembly name.
#   provided.al2023 (LAMBDA_RUNTIME=provided): the same program published self-contained, its apphost
#   renamed to `bootstrap` (the apphost finds its assembly by the name built into it, not its file name).
LAMBDA_ARCH ?= arm64
LAMBDA_RUNTIME ?= dotnet10
CONFIGURATION ?= Release
PROJECT := $(firstword $(wildcard *.csproj))
ASSEMBLY := $(basename $(PROJECT))

build-%:
ifeq ($(LAMBDA_RUNTIME),provided)
	dotnet publish $(PROJECT) -c $(CONFIGURATION) -r linux-$(LAMBDA_ARCH) --self-contained true -o "$(ARTIFACTS_DIR)"
	mv "$(ARTIFACTS_DIR)/$(ASSEMBLY)" "$(ARTIFACTS_DIR)/bootstrap"
else
	dotnet publish $(PROJECT) -c $(CONFIGURATION) -r linux-$(LAMBDA_ARCH) --self-contained false -o "$(ARTIFACTS_DIR)"
endif
