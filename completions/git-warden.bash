# bash completion for git warden (and git-warden, git-verify-range).
# git's own completion calls _git_warden for `git warden <TAB>`, loading
# this file by the name git-warden where bash-completion is installed.

_git_warden ()
{
	local subcommands="verify init policy trust install clone status pin approve attest verify-build verify-lock snapshot hook help"
	local subcommand
	subcommand="$(__git_find_on_cmdline "$subcommands")"
	if [ -z "$subcommand" ]; then
		case "$cur" in
		--*) __gitcomp "--help --version" ;;
		*) __gitcomp "$subcommands" ;;
		esac
		return
	fi
	case "$subcommand" in
	verify)
		case "$cur" in
		--*) __gitcomp "--anchor= --json --fresh --keep-going --quiet --no-cache --at= --policy= --guix --strict
			--introduction= --signer= --keyring= --sequoia --trust-root= --help" ;;
		*) __git_complete_revlist ;;
		esac
		;;
	init)
		__gitcomp "--keyring= --allowed-signers= --max-commits= --force --help"
		;;
	policy)
		local action
		action="$(__git_find_on_cmdline "check import")"
		case "$action" in
		"") __gitcomp "check import" ;;
		check) ;;
		import)
			local from
			from="$(__git_find_on_cmdline "guix sequoia allowed-signers")"
			case "$from" in
			"") __gitcomp "guix sequoia allowed-signers" ;;
			guix) __gitcomp "--keyring= --at= --force" ;;
			sequoia) __gitcomp "--at= --force" ;;
			*) __gitcomp "--force" ;;
			esac
			;;
		esac
		;;
	trust) __gitcomp "--anchor=" ;;
	install) __gitcomp "--server --client --snapshots --sequoia --trust-root= --force --chain --accept-existing --hooks-dir=" ;;
	verify-lock) __gitcomp "--against= --quiet" ;;
	clone) __gitcomp "--anchor=" ;;
	pin)
		case "$(__git_find_on_cmdline "reset")" in
		"") __gitcomp "reset" ;;
		*)
			case "$cur" in
			--*) __gitcomp "--to=" ;;
			*) __git_complete_refs ;;
			esac
			;;
		esac
		;;
	approve)
		case "$cur" in
		--*) __gitcomp "--squash-onto= --key=" ;;
		*) __git_complete_refs ;;
		esac
		;;
	attest)
		case "$(__git_find_on_cmdline "review build")" in
		"") __gitcomp "review build" ;;
		review)
			case "$cur" in
			--*) __gitcomp "--verdict= --comment= --key=" ;;
			*) __git_complete_refs ;;
			esac
			;;
		build)
			case "$cur" in
			--*) __gitcomp "--output= --from= --platform= --key=" ;;
			*) __git_complete_refs ;;
			esac
			;;
		esac
		;;
	verify-build)
		case "$cur" in
		--*) __gitcomp "--anchor= --output= --threshold= --evidence= --export-evidence= --json" ;;
		*) __git_complete_refs ;;
		esac
		;;
	snapshot) __gitcomp "--key=" ;;
	hook)
		__gitcomp "pre-receive post-receive reference-transaction post-merge pre-rebase post-rewrite"
		;;
	help)
		__gitcomp "$subcommands"
		;;
	esac
}

_git_verify_range ()
{
	case "$cur" in
	--*) __gitcomp "--anchor= --json --fresh --keep-going --quiet --no-cache --help --version" ;;
	*) __git_complete_revlist ;;
	esac
}

# Typed as git-warden or git-verify-range: git's completion helpers are
# needed; bash-completion loads them on demand.
if ! declare -F __git_complete >/dev/null 2>&1 && declare -F _completion_loader >/dev/null 2>&1; then
	_completion_loader git
fi
if declare -F __git_complete >/dev/null 2>&1; then
	__git_complete git-warden _git_warden
	__git_complete git-verify-range _git_verify_range
fi
