# extract-blocks.awk — cuts the ```sh fenced blocks out of a SKILL.md, in order.
# Input: a Markdown file. Output: one record per block, "@@BLOCK <n> <vars|cmd> <line>"
# followed by the block's lines. A block right after an "<!-- skill-vars -->" line is
# the variables block (the values an agent sets first).
/^<!-- skill-vars -->$/ { vars_next = 1; next }
!inside && /^```sh[[:space:]]*$/ {
    n++; inside = 1
    printf "@@BLOCK %d %s %d\n", n, (vars_next ? "vars" : "cmd"), NR
    vars_next = 0; next
}
inside && /^```[[:space:]]*$/ { inside = 0; next }
inside { print; next }
/[^[:space:]]/ { vars_next = 0 }
