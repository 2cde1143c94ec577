# fsu.bash: bash completion for fsu and the fsu_CMD links.  Completes
# command names, the common options, host files for the image, and
# paths inside the image (listed by fsu_find on the image itself).
_fsu_cmds="cat chgrp chmod chown cp diff df du ecp exec find fsck get ln ls
    mkdir mkfifo mknod mv parts put rm rmdir sh stat touch write"

# Paths inside image $1 that start with $2.
_fsu_image_paths()
{
	local dir=${2%/*}
	[[ $2 == */* ]] || dir=/
	[[ -z $dir ]] && dir=/
	"${_fsu_prog:-fsu}" find "$1" "$dir" -maxdepth 1 -mindepth 1 \
	    2>/dev/null | while IFS= read -r p; do
		if [[ $p == "$2"* ]]; then
			printf '%s\n' "$p"
		fi
	done
}

_fsu()
{
	local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}
	local i=1 image="" cmd=${COMP_WORDS[0]##*/}

	_fsu_prog=${COMP_WORDS[0]%/*}/fsu
	[[ ${COMP_WORDS[0]} == */* ]] || _fsu_prog=fsu
	if [[ $cmd == fsu ]]; then
		if ((COMP_CWORD == 1)); then
			COMPREPLY=($(compgen -W "$_fsu_cmds --help" -- "$cur"))
			return
		fi
		i=2
	fi
	case $prev in
	-t|-o|-p|--offset) return ;;
	esac
	# Skip the common options to find the image operand.
	[[ -n ${FSU_DEVICE:-} ]] && image=$FSU_DEVICE
	while [[ -z $image ]] && ((i < COMP_CWORD)); do
		case ${COMP_WORDS[i]} in
		-t|-o|-p|--offset) ((i += 2)); continue ;;
		-*) ((i++)); continue ;;
		esac
		image=${COMP_WORDS[i]}
		break
	done
	if [[ -z $image ]]; then
		if [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W "-t -o -p --offset -v --help" \
			    -- "$cur"))
		else
			COMPREPLY=($(compgen -f -- "$cur"))
		fi
		return
	fi
	if [[ $cur == /* ]]; then
		local IFS=$'\n'
		COMPREPLY=($(_fsu_image_paths "$image" "$cur"))
		compopt -o nospace 2>/dev/null
	else
		COMPREPLY=($(compgen -f -- "$cur"))
	fi
}

complete -F _fsu fsu
for _c in $_fsu_cmds; do
	complete -F _fsu "fsu_$_c"
done
unset _c
