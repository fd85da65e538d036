<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>ChangesModel</name>
    <message>
        <location filename="../../kbapp/gui/plan_models.py" line="65"/>
        <source>ID</source>
        <translation>编号</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/plan_models.py" line="65"/>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/plan_models.py" line="66"/>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/plan_models.py" line="66"/>
        <source>Title</source>
        <translation>标题</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/plan_models.py" line="67"/>
        <source>Approval by</source>
        <translation>审批</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/plan_models.py" line="67"/>
        <source>Working days</source>
        <translation>工作日</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/plan_models.py" line="68"/>
        <source>Customer</source>
        <translation>客户单位</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/plan_models.py" line="68"/>
        <source>Updated</source>
        <translation>更新时间</translation>
    </message>
</context>
<context>
    <name>ChangesPage</name>
    <message>
        <location filename="../../kbapp/gui/changes_page.py" line="186"/>
        <source>Filter change requests</source>
        <translation>筛选变更申请</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/changes_page.py" line="188"/>
        <source>New change request…</source>
        <translation>新建变更申请…</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/changes_page.py" line="190"/>
        <source>Approve…</source>
        <translation>批准…</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/changes_page.py" line="192"/>
        <source>Refuse…</source>
        <translation>不批准…</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/changes_page.py" line="194"/>
        <source>Start work</source>
        <translation>开始实施</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/changes_page.py" line="196"/>
        <source>Done…</source>
        <translation>完成…</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/changes_page.py" line="243"/>
        <source>No change requests yet. A defect, an unclear function of the technical agreement or a new requirement starts with “New change request”.</source>
        <translation>还没有变更申请。缺陷处理、技术协议中的模糊功能或新增需求，请点“新建变更申请”。</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/changes_page.py" line="274"/>
        <source>Refused by %1: work may not start.</source>
        <translation>%1 未批准：不得开始实施。</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/changes_page.py" line="276"/>
        <source>Work cannot start yet: it needs the approval of the %1.</source>
        <translation>尚不能开始实施：须经%1批准。</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/changes_page.py" line="293"/>
        <source>Maintenance</source>
        <translation>维护类别</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/changes_page.py" line="294"/>
        <source>Estimate</source>
        <translation>预计工作量</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/changes_page.py" line="294"/>
        <source>%1 working day(s)</source>
        <translation>%1 个工作日</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/changes_page.py" line="295"/>
        <source>Approval by</source>
        <translation>审批</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/changes_page.py" line="296"/>
        <source>Customer</source>
        <translation>客户单位</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/changes_page.py" line="296"/>
        <source>Raised by</source>
        <translation>提出人</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/changes_page.py" line="297"/>
        <source>Problem record</source>
        <translation>关联问题记录</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/changes_page.py" line="298"/>
        <source>Logged</source>
        <translation>登记</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/changes_page.py" line="299"/>
        <source>Decided</source>
        <translation>审批</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/changes_page.py" line="302"/>
        <source>Started</source>
        <translation>开始实施</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/changes_page.py" line="304"/>
        <source>Planned finish</source>
        <translation>计划完成</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/changes_page.py" line="305"/>
        <source>Done</source>
        <translation>完成</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/changes_page.py" line="306"/>
        <source>What changed</source>
        <translation>变更内容</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/changes_page.py" line="306"/>
        <source>What is asked</source>
        <translation>修改要求</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/changes_page.py" line="312"/>
        <source>History</source>
        <translation>处理历史</translation>
    </message>
</context>
<context>
    <name>CoreErrors</name>
    <message>
        <location filename="../../kbapp/gui/errors.py" line="26"/>
        <source>the title</source>
        <translation>标题</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/errors.py" line="27"/>
        <source>the fault level</source>
        <translation>故障级别</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/errors.py" line="28"/>
        <source>the note</source>
        <translation>备注</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/errors.py" line="29"/>
        <source>the text</source>
        <translation>内容</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/errors.py" line="30"/>
        <source>the reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/errors.py" line="31"/>
        <source>the status</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/errors.py" line="32"/>
        <source>the category</source>
        <translation>分类</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/errors.py" line="33"/>
        <source>the channel</source>
        <translation>服务方式</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/errors.py" line="34"/>
        <source>the reporter</source>
        <translation>报告人</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/errors.py" line="35"/>
        <source>the person responsible</source>
        <translation>负责人</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/errors.py" line="36"/>
        <source>the description</source>
        <translation>描述</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/errors.py" line="37"/>
        <source>the summary</source>
        <translation>总结</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/errors.py" line="38"/>
        <source>the handling plan</source>
        <translation>故障处理方案</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/errors.py" line="39"/>
        <source>the emergency plan</source>
        <translation>应急方案</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/errors.py" line="40"/>
        <source>the engineer&apos;s name</source>
        <translation>工程师姓名</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/errors.py" line="41"/>
        <source>the name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/errors.py" line="42"/>
        <source>the role</source>
        <translation>角色</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/errors.py" line="43"/>
        <source>the trainee</source>
        <translation>学员</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/errors.py" line="44"/>
        <source>the trainer</source>
        <translation>培训师</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/errors.py" line="45"/>
        <source>the inspector</source>
        <translation>巡检人</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/errors.py" line="46"/>
        <source>the measured value</source>
        <translation>测量值</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/errors.py" line="47"/>
        <source>the result</source>
        <translation>结果</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/errors.py" line="48"/>
        <source>the step</source>
        <translation>步骤</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/errors.py" line="49"/>
        <source>the decision</source>
        <translation>决策</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/errors.py" line="50"/>
        <source>the item</source>
        <translation>检查项</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/errors.py" line="51"/>
        <source>the items</source>
        <translation>检查项</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/errors.py" line="52"/>
        <source>the playbook</source>
        <translation>预案</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/errors.py" line="53"/>
        <source>the playbooks</source>
        <translation>预案</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/errors.py" line="54"/>
        <source>the scenario card</source>
        <translation>场景卡</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/errors.py" line="55"/>
        <source>the reason for closing</source>
        <translation>关闭原因</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/errors.py" line="56"/>
        <source>the notification time</source>
        <translation>通知时间</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/errors.py" line="57"/>
        <source>the escalation</source>
        <translation>升级</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/errors.py" line="58"/>
        <source>the escalation chain</source>
        <translation>升级链</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/errors.py" line="59"/>
        <source>the kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/errors.py" line="60"/>
        <source>the state</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/errors.py" line="61"/>
        <source>the classification</source>
        <translation>问题分类</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/errors.py" line="62"/>
        <source>the incident</source>
        <translation>故障</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/errors.py" line="63"/>
        <source>the problem record</source>
        <translation>问题记录</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/errors.py" line="64"/>
        <source>the drill</source>
        <translation>演练</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/errors.py" line="65"/>
        <source>the inspection</source>
        <translation>巡检</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/errors.py" line="66"/>
        <source>the logged action</source>
        <translation>日志记录</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/errors.py" line="67"/>
        <source>the lesson</source>
        <translation>经验教训</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/errors.py" line="68"/>
        <source>the proposed fix</source>
        <translation>处理建议和措施</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/errors.py" line="69"/>
        <source>the supervisor</source>
        <translation>签字主管</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/errors.py" line="70"/>
        <source>the supervisor&apos;s role</source>
        <translation>签字人职务</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/errors.py" line="71"/>
        <source>the assignee</source>
        <translation>处理人</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/errors.py" line="72"/>
        <source>the cause</source>
        <translation>问题原因</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/errors.py" line="73"/>
        <source>the prevention</source>
        <translation>预防措施</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/errors.py" line="74"/>
        <source>the tips for the user</source>
        <translation>给用户的提示</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/errors.py" line="75"/>
        <source>the solution</source>
        <translation>解决方案</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/errors.py" line="76"/>
        <source>the analysis</source>
        <translation>分析过程</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/errors.py" line="77"/>
        <source>the change record</source>
        <translation>变更记录</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/errors.py" line="78"/>
        <source>the answer</source>
        <translation>解答</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/errors.py" line="79"/>
        <source>the time it was raised</source>
        <translation>提出时间</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/errors.py" line="80"/>
        <source>the customer</source>
        <translation>客户单位</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/errors.py" line="81"/>
        <source>the system</source>
        <translation>系统</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/errors.py" line="83"/>
        <source>incident</source>
        <translation>故障</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/errors.py" line="83"/>
        <source>drill</source>
        <translation>演练</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/errors.py" line="84"/>
        <source>inspection</source>
        <translation>巡检</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/errors.py" line="109"/>
        <source>problem record</source>
        <translation>问题记录</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/errors.py" line="110"/>
        <source>change request</source>
        <translation>变更申请</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/errors.py" line="139"/>
        <source>Enter %1.</source>
        <translation>请填写%1。</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/errors.py" line="141"/>
        <location filename="../../kbapp/gui/errors.py" line="267"/>
        <source>%1 must be one line.</source>
        <translation>%1只能是一行。</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/errors.py" line="143"/>
        <source>%1 must be text.</source>
        <translation>%1必须是文字。</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/errors.py" line="146"/>
        <source>%1 contains a character that cannot be stored (NUL).</source>
        <translation>%1含有无法保存的字符（NUL）。</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/errors.py" line="149"/>
        <location filename="../../kbapp/gui/errors.py" line="265"/>
        <source>%1 is longer than %2 characters.</source>
        <translation>%1超过 %2 个字符。</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/errors.py" line="151"/>
        <source>%1 is %2 bytes, over the limit of %3 KiB.</source>
        <translation>%1有 %2 字节，超过 %3 KiB 的上限。</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/errors.py" line="154"/>
        <source>The status cannot go from %1 to %2: the incident is closed.</source>
        <translation>状态不能从“%1”改为“%2”：故障已关闭。</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/errors.py" line="157"/>
        <source>The status cannot go from %1 to %2; from %1 it can go to %3.</source>
        <translation>状态不能从“%1”改为“%2”；“%1”之后只能改为：%3。</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/errors.py" line="160"/>
        <source>The incident is already %1.</source>
        <translation>故障已经是“%1”状态。</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/errors.py" line="162"/>
        <source>%1 #%2 is closed.</source>
        <translation>%1 #%2 已关闭。</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/errors.py" line="164"/>
        <source>Incident #%1 is %2; set it back to %3 first.</source>
        <translation>故障 #%1 当前为“%2”；请先改回“%3”。</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/errors.py" line="167"/>
        <source>%1 #%2 is already finished.</source>
        <translation>%1 #%2 已经结束。</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/errors.py" line="169"/>
        <source>“%1” is not a fault level; use I, II, III or IV.</source>
        <translation>“%1”不是故障级别；请用 I、II、III 或 IV。</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/errors.py" line="171"/>
        <source>Incident #%1 is already level %2.</source>
        <translation>故障 #%1 已经是 %2 级。</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/errors.py" line="173"/>
        <source>Only a level I incident has an emergency plan (应急方案).</source>
        <translation>只有 I 级故障才需要应急方案。</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/errors.py" line="175"/>
        <source>Say why the incident is closed without being solved.</source>
        <translation>请说明故障未解决就关闭的原因。</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/errors.py" line="177"/>
        <source>Incident #%1 was never solved: say whether it is a duplicate, withdrawn or not an incident.</source>
        <translation>故障 #%1 尚未解决：请说明是重复报告、用户撤回还是非故障。</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/errors.py" line="180"/>
        <source>There is no %1 #%2.</source>
        <translation>没有%1 #%2。</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/errors.py" line="181"/>
        <source>There is no report #%1.</source>
        <translation>没有报告 #%1。</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/errors.py" line="184"/>
        <source>Playbook %1 is not in the library.</source>
        <translation>知识库中没有预案 %1。</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/errors.py" line="186"/>
        <source>Playbook %1 has no step %2.</source>
        <translation>预案 %1 没有第 %2 步。</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/errors.py" line="188"/>
        <source>Playbook %1 is already attached to incident #%2.</source>
        <translation>预案 %1 已关联到故障 #%2。</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/errors.py" line="191"/>
        <source>Items %1 have no result yet: mark each one pass, fail or n/a.</source>
        <translation>检查项 %1 还没有结果：请逐项标记通过、不通过或不适用。</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/errors.py" line="194"/>
        <source>Item %1 did not fail; only a failed item opens an incident.</source>
        <translation>检查项 %1 未判定为不通过；只有不通过的检查项才能转故障处理。</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/errors.py" line="197"/>
        <source>The checklist has no item %1.</source>
        <translation>检查单中没有第 %1 项。</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/errors.py" line="199"/>
        <source>Already escalated to the top of the chain: %1.</source>
        <translation>已经升级到升级链的最高一级：%1。</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/errors.py" line="201"/>
        <source>Someone else escalated this incident just now; try again.</source>
        <translation>刚刚有其他人升级了这个故障，请重试。</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/errors.py" line="203"/>
        <source>Incident #%1 is not resolved yet; resolve it before writing its report.</source>
        <translation>故障 #%1 尚未解决；请先解决再写故障处理报告。</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/errors.py" line="205"/>
        <source>Write the lesson first.</source>
        <translation>请先写下经验教训。</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/errors.py" line="207"/>
        <source>The lesson is longer than %1 characters.</source>
        <translation>经验教训超过 %1 个字符。</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/errors.py" line="208"/>
        <source>The proposal changes nothing.</source>
        <translation>修改建议没有任何改动。</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/errors.py" line="210"/>
        <source>Change #%1 has been decided already.</source>
        <translation>修改建议 #%1 已经审核过了。</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/errors.py" line="212"/>
        <source>Playbook %1 changed after change #%2 was proposed; propose the change again on the current version.</source>
        <translation>修改建议 #%2 提出后预案 %1 又有了改动；请在当前版本上重新提出。</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/errors.py" line="215"/>
        <source>The record is %1; it cannot move to %2.</source>
        <translation>问题记录当前为“%1”，不能转到“%2”。</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/errors.py" line="218"/>
        <source>Enter %1 to move the record to %2.</source>
        <translation>请填写%1，才能将记录改为“%2”。</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/errors.py" line="221"/>
        <source>%1 (%2) may not sign off a fix: the sign-off (主管领导签字) needs a supervisor&apos;s role, such as 主管, 经理 or 负责人.</source>
        <translation>%1（%2）无权签字：主管领导签字须由主管、经理或负责人等职务的人员进行。</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/errors.py" line="225"/>
        <source>%1 proposed the fix and may not sign it off; another person, a supervisor, signs it off.</source>
        <translation>%1 提出了处理建议，不能自己签字；须由另一位主管领导签字。</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/errors.py" line="228"/>
        <source>%1: “%2” is not a time; use 2026-03-02 02:40 or HH:MM for today.</source>
        <translation>%1：“%2”不是时间；请写成 2026-03-02 02:40，或只写时刻（如 02:40）表示今天。</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/errors.py" line="230"/>
        <source>The time it was raised is in the future.</source>
        <translation>提出时间晚于现在。</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/errors.py" line="233"/>
        <source>Change request #%1 needs the approval of the %2 before work starts.</source>
        <translation>变更申请 #%1 须经%2批准后才能开始实施。</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/errors.py" line="236"/>
        <source>Change request #%1 was refused by %2: work may not start.</source>
        <translation>变更申请 #%1 未获 %2 批准：不得开始实施。</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/errors.py" line="239"/>
        <source>Change request #%1 is a new requirement of %2 working days: only the %3 can approve it.</source>
        <translation>变更申请 #%1 是 %2 个工作日的新增需求：只能由%3审批。</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/errors.py" line="242"/>
        <source>Change request #%1 is %2, not awaiting approval.</source>
        <translation>变更申请 #%1 的状态是“%2”，不在待审批中。</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/errors.py" line="245"/>
        <source>Change request #%1 is %2; only a started change can be done.</source>
        <translation>变更申请 #%1 的状态是“%2”；只有实施中的变更才能完成。</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/errors.py" line="248"/>
        <source>Change request #%1 has started already.</source>
        <translation>变更申请 #%1 已开始实施。</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/errors.py" line="250"/>
        <source>A new requirement needs its estimate in working days.</source>
        <translation>新增需求须按工作日估算工作量。</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/errors.py" line="252"/>
        <source>Name the customer, or choose the follow-up schedule.</source>
        <translation>请填写客户单位，或选择回访计划。</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/errors.py" line="254"/>
        <source>The issue has been made %1 #%2 already.</source>
        <translation>该问题已转为%1 #%2。</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/errors.py" line="257"/>
        <source>“%1” is not a checklist of the library.</source>
        <translation>“%1”不是知识库中的检查单。</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/errors.py" line="259"/>
        <source>“%2” is not a possible value of %1.</source>
        <translation>“%2”不是%1的可选值。</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/errors.py" line="264"/>
        <source>%1 is required.</source>
        <translation>必须填写%1。</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/errors.py" line="268"/>
        <source>“%2” is not a fault level (I, II, III or IV).</source>
        <translation>“%2”不是故障级别（I、II、III 或 IV）。</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/errors.py" line="271"/>
        <source>%1: “%2” is not a time like 2026-03-01 14:05 +08:00.</source>
        <translation>%1：“%2”不是时间，格式如 2026-03-01 14:05 +08:00。</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/errors.py" line="272"/>
        <source>%1 is before %2.</source>
        <translation>%1早于%2。</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/errors.py" line="274"/>
        <source>%1 is not a report field.</source>
        <translation>%1不是报告字段。</translation>
    </message>
</context>
<context>
    <name>CustomerFields</name>
    <message>
        <location filename="../../kbapp/gui/customer_fields.py" line="17"/>
        <source>the customer&apos;s organisation</source>
        <translation>客户单位名称</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/customer_fields.py" line="22"/>
        <source>the business system concerned</source>
        <translation>涉及的业务系统</translation>
    </message>
</context>
<context>
    <name>DeadlineBanner</name>
    <message>
        <location filename="../../kbapp/gui/deadline_watch.py" line="204"/>
        <source>Offline: this desk watches these deadlines itself, escalates and sends from here; the server gets each escalation at the next sync.</source>
        <translation>离线：本机自行监视这些时限，在本机升级并发送通知；下次同步时服务器会收到每一次升级。</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/deadline_watch.py" line="176"/>
        <source>Hide</source>
        <translation>隐藏</translation>
    </message>
    <message numerus="yes">
        <location filename="../../kbapp/gui/deadline_watch.py" line="192"/>
        <source>⚠ %n open incident(s) with deadlines running or overdue:</source>
        <translation>
            <numerusform>⚠ %n 个未关闭的故障有正在计时或已超时的时限：</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/deadline_watch.py" line="201"/>
        <source>… and %1 more in the Incidents tab (Ctrl+3)</source>
        <translation>……另有 %1 起，见“故障”页（Ctrl+3）</translation>
    </message>
</context>
<context>
    <name>DeadlineWatch</name>
    <message>
        <location filename="../../kbapp/gui/deadline_watch.py" line="129"/>
        <source>Deadline missed: %1</source>
        <translation>时限已超时：%1</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/deadline_watch.py" line="131"/>
        <source>Deadline close: %1</source>
        <translation>时限临近：%1</translation>
    </message>
</context>
<context>
    <name>DecideDialog</name>
    <message>
        <location filename="../../kbapp/gui/changes_page.py" line="116"/>
        <source>Approve change #%1</source>
        <translation>批准变更申请 #%1</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/changes_page.py" line="116"/>
        <source>Refuse change #%1</source>
        <translation>不批准变更申请 #%1</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/changes_page.py" line="127"/>
        <source>Decided by:</source>
        <translation>审批人：</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/changes_page.py" line="128"/>
        <source>As:</source>
        <translation>身份：</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/changes_page.py" line="129"/>
        <source>Note:</source>
        <translation>备注：</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/changes_page.py" line="135"/>
        <source>Name who decides.</source>
        <translation>请填写审批人。</translation>
    </message>
</context>
<context>
    <name>DoneDialog</name>
    <message>
        <location filename="../../kbapp/gui/changes_page.py" line="147"/>
        <source>Change #%1 done</source>
        <translation>变更申请 #%1 完成</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/changes_page.py" line="152"/>
        <source>What changed in the system:</source>
        <translation>系统中改了什么：</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/changes_page.py" line="158"/>
        <source>Say what changed in the system.</source>
        <translation>请填写系统中改了什么。</translation>
    </message>
</context>
<context>
    <name>DueBanner</name>
    <message>
        <location filename="../../kbapp/gui/plan_pages.py" line="34"/>
        <source>Show</source>
        <translation>查看</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/plan_pages.py" line="49"/>
        <source>%1 follow-up visit(s) overdue</source>
        <translation>%1 次回访已逾期</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/plan_pages.py" line="50"/>
        <source>%1 follow-up visit(s) due</source>
        <translation>%1 次回访到期</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/plan_pages.py" line="51"/>
        <source>%1 inspection(s) overdue</source>
        <translation>%1 次巡检已逾期</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/plan_pages.py" line="51"/>
        <source>%1 inspection(s) due</source>
        <translation>%1 次巡检到期</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/plan_pages.py" line="52"/>
        <source>%1 missed backup(s)</source>
        <translation>%1 项备份未做</translation>
    </message>
</context>
<context>
    <name>DueInspectionsModel</name>
    <message>
        <location filename="../../kbapp/gui/plan_models.py" line="166"/>
        <source>Customer</source>
        <translation>客户单位</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/plan_models.py" line="167"/>
        <source>System</source>
        <translation>系统</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/plan_models.py" line="168"/>
        <source>Every</source>
        <translation>周期</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/plan_models.py" line="169"/>
        <source>Next inspection</source>
        <translation>下次巡检</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/plan_models.py" line="170"/>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/plan_models.py" line="171"/>
        <source>Backups</source>
        <translation>备份</translation>
    </message>
</context>
<context>
    <name>DueVisitsModel</name>
    <message>
        <location filename="../../kbapp/gui/plan_models.py" line="100"/>
        <source>Customer</source>
        <translation>客户单位</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/plan_models.py" line="100"/>
        <source>System</source>
        <translation>系统</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/plan_models.py" line="101"/>
        <source>Every</source>
        <translation>周期</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/plan_models.py" line="101"/>
        <source>Next visit</source>
        <translation>下次回访</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/plan_models.py" line="102"/>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/plan_models.py" line="102"/>
        <source>Last visit</source>
        <translation>上次回访</translation>
    </message>
</context>
<context>
    <name>EngineerDialog</name>
    <message>
        <location filename="../../kbapp/gui/engineer_dialog.py" line="41"/>
        <source>Who is working here?</source>
        <translation>请问您是哪位工程师？</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/engineer_dialog.py" line="44"/>
        <source>Your name, e.g. 王工</source>
        <translation>您的姓名，例如 王工</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/engineer_dialog.py" line="47"/>
        <source>kbapp writes your name on everything you do here: incident steps and notes, drills (as the trainer), inspections, reports and lessons. It is kept in this data home; the command line uses it too.</source>
        <translation>kbapp 会在您在这里的每一项操作上记下您的姓名：故障步骤和备注、演练（作为培训师）、巡检、报告和经验教训。姓名保存在此数据目录中，命令行也使用它。</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/engineer_dialog.py" line="57"/>
        <source>Later</source>
        <translation>稍后</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/engineer_dialog.py" line="62"/>
        <source>Name:</source>
        <translation>姓名：</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/engineer_dialog.py" line="63"/>
        <source>Role:</source>
        <translation>角色：</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/engineer_dialog.py" line="70"/>
        <source>Enter your name: it goes on every action you log.</source>
        <translation>请输入姓名：每一项记入日志的操作都会记下它。</translation>
    </message>
</context>
<context>
    <name>EscalationChainDialog</name>
    <message>
        <location filename="../../kbapp/gui/incident_dialogs.py" line="242"/>
        <location filename="../../kbapp/gui/incident_dialogs.py" line="287"/>
        <source>Escalation chain</source>
        <translation>升级链</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/incident_dialogs.py" line="245"/>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/incident_dialogs.py" line="245"/>
        <source>Role</source>
        <translation>职务</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/incident_dialogs.py" line="245"/>
        <source>Phone</source>
        <translation>电话</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/incident_dialogs.py" line="245"/>
        <source>Reports to</source>
        <translation>上级</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/incident_dialogs.py" line="249"/>
        <source>Add person</source>
        <translation>添加人员</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/incident_dialogs.py" line="251"/>
        <source>Remove selected</source>
        <translation>删除所选</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/incident_dialogs.py" line="257"/>
        <source>A missed deadline is escalated to the responsible person&apos;s superior, level by level.</source>
        <translation>超过时限未处理的，将逐级升级到责任人的上级。</translation>
    </message>
</context>
<context>
    <name>FilterBar</name>
    <message>
        <location filename="../../kbapp/gui/filter_bar.py" line="17"/>
        <source>All kinds</source>
        <translation>全部类型</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/filter_bar.py" line="19"/>
        <source>All categories</source>
        <translation>全部类别</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/filter_bar.py" line="21"/>
        <source>All levels</source>
        <translation>全部级别</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/filter_bar.py" line="22"/>
        <source>Level %1</source>
        <translation>%1 级</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/filter_bar.py" line="23"/>
        <source>All tags</source>
        <translation>全部标签</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/filter_bar.py" line="26"/>
        <source>Filter:</source>
        <translation>筛选：</translation>
    </message>
</context>
<context>
    <name>HistoryModel</name>
    <message>
        <location filename="../../kbapp/gui/records_page.py" line="132"/>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/records_page.py" line="132"/>
        <source>Who</source>
        <translation>操作人</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/records_page.py" line="133"/>
        <source>Move</source>
        <translation>流转</translation>
    </message>
</context>
<context>
    <name>IncidentActions</name>
    <message>
        <location filename="../../kbapp/gui/incident_actions.py" line="22"/>
        <source>&amp;New Incident…</source>
        <translation>新建故障(&amp;N)…</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/incident_actions.py" line="25"/>
        <source>New Incident with This &amp;Playbook…</source>
        <translation>按此预案新建故障(&amp;P)…</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/incident_actions.py" line="27"/>
        <source>Show &amp;Incidents</source>
        <translation>显示故障列表(&amp;I)</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/incident_actions.py" line="28"/>
        <source>Step &amp;Done</source>
        <translation>步骤完成(&amp;D)</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/incident_actions.py" line="30"/>
        <source>Step &amp;Skipped</source>
        <translation>步骤跳过(&amp;S)</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/incident_actions.py" line="32"/>
        <source>Step &amp;Failed</source>
        <translation>步骤失败(&amp;F)</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/incident_actions.py" line="34"/>
        <source>&amp;Log a Note</source>
        <translation>记录备注(&amp;L)</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/incident_actions.py" line="35"/>
        <source>&amp;Acknowledge (响应)</source>
        <translation>确认响应(&amp;A)</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/incident_actions.py" line="36"/>
        <source>Escalate &amp;Now</source>
        <translation>立即升级(&amp;N)</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/incident_actions.py" line="37"/>
        <source>Record &amp;Plan…</source>
        <translation>记录方案(&amp;P)…</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/incident_actions.py" line="38"/>
        <source>&amp;Resolve…</source>
        <translation>解决(&amp;R)…</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/incident_actions.py" line="39"/>
        <source>Change &amp;Level…</source>
        <translation>调整故障级别(&amp;L)…</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/incident_actions.py" line="40"/>
        <source>Correct Notification &amp;Time…</source>
        <translation>更正通知时间(&amp;T)…</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/incident_actions.py" line="42"/>
        <source>&amp;Export Timeline…</source>
        <translation>导出时间线(&amp;E)…</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/incident_actions.py" line="44"/>
        <source>Escalation &amp;Chain…</source>
        <translation>升级链(&amp;C)…</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/incident_actions.py" line="45"/>
        <source>&amp;Copy the Step&apos;s Command</source>
        <translation>复制本步命令(&amp;C)</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/incident_actions.py" line="47"/>
        <source>Search the &amp;Timeline</source>
        <translation>搜索时间线(&amp;T)</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/incident_actions.py" line="50"/>
        <source>Decision %1</source>
        <translation>判断 %1</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/incident_actions.py" line="59"/>
        <source>&amp;Decisions</source>
        <translation>判断分支(&amp;D)</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/incident_actions.py" line="87"/>
        <source>This step has no command to copy.</source>
        <translation>本步骤没有可复制的命令。</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/incident_actions.py" line="92"/>
        <source>This step has no decision %1.</source>
        <translation>本步骤没有第 %1 个判断。</translation>
    </message>
</context>
<context>
    <name>IncidentListModel</name>
    <message>
        <location filename="../../kbapp/gui/incident_models.py" line="57"/>
        <source>#pending</source>
        <translation>#待编号</translation>
    </message>
</context>
<context>
    <name>IncidentView</name>
    <message>
        <location filename="../../kbapp/gui/incident_view.py" line="65"/>
        <source>Type a note and press Enter to log it (Ctrl+L)</source>
        <translation>输入备注后按 Enter 记入日志（Ctrl+L）</translation>
    </message>
    <message numerus="yes">
        <location filename="../../kbapp/gui/incident_view.py" line="149"/>
        <source>⚠ Needs settling: %n conflicting move(s) made offline; decide what stands and settle it (kbapp incident settle)</source>
        <translation>
            <numerusform>⚠ 待人工裁定：%n 项离线时做出的冲突操作；请决定以哪项为准并裁定（kbapp incident settle）</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/incident_view.py" line="156"/>
        <source>演练 DRILL — not a real incident</source>
        <translation>演练 DRILL — 非真实故障</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/incident_view.py" line="158"/>
        <source>巡检 INSPECTION — routine check, not an incident</source>
        <translation>巡检 INSPECTION — 例行检查，非故障</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/incident_view.py" line="222"/>
        <source>Offline: kept on this desk; it is sent when the server answers</source>
        <translation>离线：已保存在本机，服务器恢复后发送</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/incident_view.py" line="322"/>
        <source>Escalated to %1 (%2, %3)</source>
        <translation>已升级至 %1（%2，%3）</translation>
    </message>
</context>
<context>
    <name>IncidentsPage</name>
    <message>
        <location filename="../../kbapp/gui/incidents_page.py" line="62"/>
        <source>No open incidents. Press Ctrl+N to log one.</source>
        <translation>没有未关闭的故障。按 Ctrl+N 登记新故障。</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/incidents_page.py" line="155"/>
        <source>Set status</source>
        <translation>设置状态</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/incidents_page.py" line="171"/>
        <source>Resolve incident</source>
        <translation>解决故障</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/incidents_page.py" line="172"/>
        <source>How was it solved? (summary)</source>
        <translation>是如何解决的？（摘要）</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/incidents_page.py" line="221"/>
        <source>Escalated to %1 (%2): call %3 now.</source>
        <translation>已升级到 %1（%2）：请立即致电 %3。</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/incidents_page.py" line="222"/>
        <source>them (no phone in the chain)</source>
        <translation>对方（升级链中没有电话）</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/incidents_page.py" line="231"/>
        <source>Nobody to escalate to</source>
        <translation>没有可升级的人</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/incidents_page.py" line="232"/>
        <source>The escalation chain is empty, so nobody can be told.

Set it up in Incident ▸ Escalation Chain…: add each person of the team with their phone (and e-mail), and whom they report to; the first person is the one on duty. Or write escalation.json in the data home (see the README).</source>
        <translation>升级链为空，无法通知任何人。

请在“故障 ▸ 升级链…”中设置：添加团队中每个人的电话（和电子邮件）以及其上级；第一个人是值班人员。也可以在数据目录中编写 escalation.json（见 README）。</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/incidents_page.py" line="236"/>
        <source>Set Up the Escalation Chain…</source>
        <translation>设置升级链…</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/incidents_page.py" line="239"/>
        <source>Escalate now</source>
        <translation>立即升级</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/incidents_page.py" line="249"/>
        <source>Export timeline</source>
        <translation>导出时间线</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/incidents_page.py" line="261"/>
        <source>Timeline exported to %1</source>
        <translation>时间线已导出到 %1</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/incidents_page.py" line="271"/>
        <source>Escalation chain</source>
        <translation>升级链</translation>
    </message>
</context>
<context>
    <name>InspectionPlanDialog</name>
    <message>
        <location filename="../../kbapp/gui/visits_page.py" line="168"/>
        <source>New inspection plan</source>
        <translation>新建巡检计划</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/visits_page.py" line="176"/>
        <source>Customer:</source>
        <translation>客户单位：</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/visits_page.py" line="176"/>
        <source>System:</source>
        <translation>系统：</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/visits_page.py" line="177"/>
        <source>Every:</source>
        <translation>周期：</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/visits_page.py" line="177"/>
        <source>First inspection:</source>
        <translation>首次巡检：</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/visits_page.py" line="178"/>
        <source>Checklist:</source>
        <translation>检查单：</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/visits_page.py" line="178"/>
        <source>Inspector:</source>
        <translation>巡检员：</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/visits_page.py" line="179"/>
        <source>Full backup at least every (days):</source>
        <translation>全备份至少每隔（天）：</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/visits_page.py" line="185"/>
        <source>Name the customer.</source>
        <translation>请填写客户单位。</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/visits_page.py" line="186"/>
        <source>Name the checklist to use.</source>
        <translation>请填写要用的检查单。</translation>
    </message>
</context>
<context>
    <name>IssueToChangeDialog</name>
    <message>
        <location filename="../../kbapp/gui/visits_page.py" line="144"/>
        <source>Make a change request</source>
        <translation>转为变更申请</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/visits_page.py" line="150"/>
        <source>not estimated</source>
        <translation>未估算</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/visits_page.py" line="151"/>
        <source>Kind:</source>
        <translation>类型：</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/visits_page.py" line="152"/>
        <source>Working days:</source>
        <translation>工作日：</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/visits_page.py" line="157"/>
        <source>Estimate the new requirement in working days.</source>
        <translation>请按工作日估算新增需求的工作量。</translation>
    </message>
</context>
<context>
    <name>LessonDialog</name>
    <message>
        <location filename="../../kbapp/gui/lesson_dialogs.py" line="62"/>
        <source>Add a lesson</source>
        <translation>添加经验教训</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/lesson_dialogs.py" line="76"/>
        <source>What should the next engineer know? e.g. step 4 was missing a check</source>
        <translation>下一位工程师需要知道什么？例如：第 4 步缺少一项检查</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/lesson_dialogs.py" line="87"/>
        <source>&amp;Save lesson</source>
        <translation>保存经验教训(&amp;S)</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/lesson_dialogs.py" line="89"/>
        <source>Save and &amp;propose a playbook change…</source>
        <translation>保存并提出预案修改(&amp;P)…</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/lesson_dialogs.py" line="96"/>
        <source>Playbook:</source>
        <translation>预案：</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/lesson_dialogs.py" line="97"/>
        <source>Step:</source>
        <translation>步骤：</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/lesson_dialogs.py" line="98"/>
        <source>Lesson:</source>
        <translation>经验教训：</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/lesson_dialogs.py" line="100"/>
        <source>From incident #%1</source>
        <translation>来自故障 #%1</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/lesson_dialogs.py" line="108"/>
        <source>The whole playbook</source>
        <translation>整个预案</translation>
    </message>
</context>
<context>
    <name>LevelDialog</name>
    <message>
        <location filename="../../kbapp/gui/incident_edit_dialogs.py" line="72"/>
        <source>Change fault level</source>
        <translation>更改故障级别</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/incident_edit_dialogs.py" line="81"/>
        <source>Why? e.g. the customer&apos;s whole business has stopped</source>
        <translation>原因？例如：客户的业务已全部停止</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/incident_edit_dialogs.py" line="83"/>
        <source>A missed deadline stays missed; only the deadlines still open are re-planned.</source>
        <translation>已超时的时限仍记为超时；只重新计算仍在进行中的时限。</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/incident_edit_dialogs.py" line="85"/>
        <source>New fault level:</source>
        <translation>新的故障级别：</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/incident_edit_dialogs.py" line="86"/>
        <source>Reason:</source>
        <translation>原因：</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/incident_edit_dialogs.py" line="96"/>
        <source>Choose a level other than the current one.</source>
        <translation>请选择与当前不同的级别。</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/incident_edit_dialogs.py" line="98"/>
        <source>Say why the level changes: it goes in the log.</source>
        <translation>请说明更改级别的原因：它会记入日志。</translation>
    </message>
</context>
<context>
    <name>LevelFiguresModel</name>
    <message>
        <location filename="../../kbapp/gui/metrics_models.py" line="32"/>
        <source>Incidents</source>
        <translation>故障数</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/metrics_models.py" line="33"/>
        <source>Response ≤30 min</source>
        <translation>30分钟内响应</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/metrics_models.py" line="34"/>
        <source>Plan on time</source>
        <translation>方案按时</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/metrics_models.py" line="35"/>
        <source>Emergency plan</source>
        <translation>应急方案</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/metrics_models.py" line="36"/>
        <source>Resolved on time</source>
        <translation>按时解决</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/metrics_models.py" line="37"/>
        <source>Report ≤24 h</source>
        <translation>24小时内报告</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/metrics_models.py" line="38"/>
        <source>MTTA median</source>
        <translation>MTTA 中位数</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/metrics_models.py" line="39"/>
        <source>MTTA p90</source>
        <translation>MTTA 90分位</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/metrics_models.py" line="40"/>
        <source>MTTR median</source>
        <translation>MTTR 中位数</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/metrics_models.py" line="41"/>
        <source>MTTR p90</source>
        <translation>MTTR 90分位</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/metrics_models.py" line="42"/>
        <source>Reopened</source>
        <translation>重开率</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/metrics_models.py" line="72"/>
        <source>Level %1</source>
        <translation>%1 级</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/metrics_models.py" line="73"/>
        <source>All</source>
        <translation>合计</translation>
    </message>
</context>
<context>
    <name>LostDatabase</name>
    <message>
        <location filename="../../kbapp/gui/lost_database.py" line="32"/>
        <source>kbapp — database missing</source>
        <translation>kbapp — 数据库丢失</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/lost_database.py" line="35"/>
        <source>kbapp does not start an empty database in its place without asking: the incidents, reports and lessons it held would seem gone.</source>
        <translation>kbapp 不会未经询问就用空数据库代替它：否则其中的事件、报告和经验教训看起来就像消失了。</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/lost_database.py" line="38"/>
        <source>Restore latest backup</source>
        <translation>恢复最新备份</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/lost_database.py" line="41"/>
        <source>Start empty</source>
        <translation>从空数据库开始</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/lost_database.py" line="43"/>
        <source>Quit</source>
        <translation>退出</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/lost_database.py" line="62"/>
        <source>The database %1 is missing or empty, but this data home held one.</source>
        <translation>数据库 %1 丢失或为空，但此数据目录曾有数据库。</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/lost_database.py" line="66"/>
        <source>Latest backup: %1 (%2).</source>
        <translation>最新备份：%1（%2）。</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/lost_database.py" line="68"/>
        <source>No backup was found in the backups folder.</source>
        <translation>备份文件夹中没有找到备份。</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/lost_database.py" line="75"/>
        <source>kbapp — restored</source>
        <translation>kbapp — 已恢复</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/lost_database.py" line="76"/>
        <source>%1 library file(s) written after the backup were kept, but the restored database does not have what they belong to: a search still finds them, no list shows them. Move them out of the library if they should not be found.</source>
        <translation>备份之后写入的 %1 个资料库文件已保留，但恢复后的数据库中没有它们所属的记录：搜索仍能找到它们，但任何列表中都没有。如果不应再被找到，请把它们移出资料库。</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../kbapp/gui/main_window.py" line="548"/>
        <source>Something went wrong: %1</source>
        <translation>出错了：%1</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/main_window.py" line="552"/>
        <source>The details are also in the log file %1.</source>
        <translation>详细信息也已记入日志文件 %1。</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/main_window.py" line="64"/>
        <source>kbapp — Emergency knowledge base</source>
        <translation>kbapp — 应急知识库</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/main_window.py" line="72"/>
        <source>Search failed: %1</source>
        <translation>搜索失败：%1</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/main_window.py" line="103"/>
        <source>Search playbooks, reports and lessons (Ctrl+K) — e.g. 配置丢失, data loss, ORA-00600</source>
        <translation>搜索预案、故障报告和经验教训（Ctrl+K）— 例如 配置丢失、data loss、ORA-00600</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/main_window.py" line="137"/>
        <source>Knowledge base</source>
        <translation>知识库</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/window_pages.py" line="124"/>
        <source>Incidents</source>
        <translation>故障</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/main_window.py" line="164"/>
        <source>&amp;Find…</source>
        <translation>查找(&amp;F)…</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/main_window.py" line="166"/>
        <source>&amp;Clear Search</source>
        <translation>清除搜索(&amp;C)</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/main_window.py" line="170"/>
        <source>&amp;Import Markdown…</source>
        <translation>导入 Markdown(&amp;I)…</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/main_window.py" line="172"/>
        <source>&amp;Preferences…</source>
        <translation>首选项(&amp;P)…</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/main_window.py" line="174"/>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/main_window.py" line="175"/>
        <source>Library &amp;Problems</source>
        <translation>知识库问题(&amp;P)</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/main_window.py" line="176"/>
        <source>&amp;Rebuild Index</source>
        <translation>重建索引(&amp;R)</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/main_window.py" line="177"/>
        <source>Zoom &amp;In</source>
        <translation>放大(&amp;I)</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/main_window.py" line="178"/>
        <source>Zoom &amp;Out</source>
        <translation>缩小(&amp;O)</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/main_window.py" line="180"/>
        <source>Go to &amp;Results</source>
        <translation>转到结果列表(&amp;R)</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/main_window.py" line="181"/>
        <source>Go to &amp;Reader</source>
        <translation>转到阅读区(&amp;R)</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/main_window.py" line="182"/>
        <source>&amp;About kbapp</source>
        <translation>关于 kbapp(&amp;A)</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/main_window.py" line="184"/>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/main_window.py" line="188"/>
        <source>&amp;Edit</source>
        <translation>编辑(&amp;E)</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/main_window.py" line="190"/>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/main_window.py" line="195"/>
        <source>&amp;Library</source>
        <translation>知识库(&amp;L)</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/main_window.py" line="197"/>
        <source>&amp;Incident</source>
        <translation>故障(&amp;I)</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/main_window.py" line="198"/>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/main_window.py" line="206"/>
        <source>Loading library…</source>
        <translation>正在加载知识库…</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/main_window.py" line="217"/>
        <source>Data: %1</source>
        <translation>数据目录：%1</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/main_window.py" line="230"/>
        <source>Engineer: not named (File ▸ Preferences)</source>
        <translation>工程师：未填写（文件 ▸ 首选项）</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/main_window.py" line="232"/>
        <source>Engineer: %1</source>
        <translation>工程师：%1</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/main_window.py" line="323"/>
        <source>Building index… %1 of %2</source>
        <translation>正在建立索引… %1 / %2</translation>
    </message>
    <message numerus="yes">
        <location filename="../../kbapp/gui/main_window.py" line="334"/>
        <source>Index up to date: %n document(s)</source>
        <translation>
            <numerusform>索引已是最新：%n 篇文档</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/main_window.py" line="348"/>
        <source>Index unavailable</source>
        <translation>索引不可用</translation>
    </message>
    <message numerus="yes">
        <location filename="../../kbapp/gui/main_window.py" line="352"/>
        <source>⚠ %n library problem(s)</source>
        <translation>
            <numerusform>⚠ 知识库有 %n 个问题</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/main_window.py" line="368"/>
        <source>Did you mean: %1?</source>
        <translation>您是不是要找：%1？</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/main_window.py" line="370"/>
        <source>“%1” has words the library does not know; showing results for %2.</source>
        <translation>“%1”中有资料库里没有的词；以下是 %2 的结果。</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/main_window.py" line="376"/>
        <source>No results for “%1”.</source>
        <translation>没有“%1”的结果。</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/main_window.py" line="420"/>
        <source>Command of step %1 copied to the clipboard</source>
        <translation>第 %1 步的命令已复制到剪贴板</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/main_window.py" line="455"/>
        <source>Import Markdown files</source>
        <translation>导入 Markdown 文件</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/main_window.py" line="456"/>
        <source>Markdown (*.md *.markdown *.txt);;All files (*)</source>
        <translation>Markdown (*.md *.markdown *.txt);;所有文件 (*)</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/main_window.py" line="468"/>
        <source>Imported %1, failed %2.</source>
        <translation>已导入 %1 个，失败 %2 个。</translation>
    </message>
    <message numerus="yes">
        <location filename="../../kbapp/gui/main_window.py" line="471"/>
        <source>%n skipped unread (links out of the folder, pipes or devices).</source>
        <translation>
            <numerusform>%n 个未读取即跳过（指向文件夹之外的链接、管道或设备）。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../kbapp/gui/main_window.py" line="474"/>
        <source>%n imported with problems (Library Problems, Ctrl+Shift+P).</source>
        <translation>
            <numerusform>其中 %n 个文件导入后有问题（见知识库问题，Ctrl+Shift+P）。</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/main_window.py" line="486"/>
        <source>Import</source>
        <translation>导入</translation>
    </message>
    <message numerus="yes">
        <location filename="../../kbapp/gui/main_window.py" line="492"/>
        <source>%n file(s) have the id of a document the library already has. Replace those documents?</source>
        <translation>
            <numerusform>%n 个文件的 id 与知识库中已有的文档相同。要替换这些文档吗？</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/main_window.py" line="494"/>
        <source>%1 would replace %2 (%3)</source>
        <translation>%1 将替换 %2（%3）</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/main_window.py" line="496"/>
        <source>Replace documents?</source>
        <translation>替换文档？</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/main_window.py" line="511"/>
        <source>Rebuilding index…</source>
        <translation>正在重建索引…</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/main_window.py" line="524"/>
        <source>The new language applies when kbapp is restarted.</source>
        <translation>新的界面语言将在 kbapp 重新启动后生效。</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/main_window.py" line="531"/>
        <source>About kbapp</source>
        <translation>关于 kbapp</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/main_window.py" line="532"/>
        <source>kbapp: an offline knowledge base of emergency playbooks for IT operations support.
Data home: %1</source>
        <translation>kbapp：面向 IT 运维支持的离线应急预案知识库。
数据目录：%1</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/main_window.py" line="544"/>
        <location filename="../../kbapp/gui/main_window.py" line="547"/>
        <source>kbapp</source>
        <translation>kbapp</translation>
    </message>
</context>
<context>
    <name>MetricsPage</name>
    <message>
        <location filename="../../kbapp/gui/metrics_page.py" line="72"/>
        <location filename="../../kbapp/gui/metrics_page.py" line="235"/>
        <source>All customers</source>
        <translation>全部客户</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/metrics_page.py" line="80"/>
        <source>&amp;Refresh</source>
        <translation>刷新(&amp;R)</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/metrics_page.py" line="82"/>
        <source>Monthly &amp;report…</source>
        <translation>月度报告(&amp;R)…</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/metrics_page.py" line="84"/>
        <source>The customer&apos;s monthly service report (系统运行状况分析报告) as PDF or Markdown</source>
        <translation>客户的月度系统运行状况分析报告（PDF 或 Markdown）</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/metrics_page.py" line="87"/>
        <source>Customer:</source>
        <translation>客户单位：</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/metrics_page.py" line="87"/>
        <source>From:</source>
        <translation>从：</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/metrics_page.py" line="88"/>
        <source>To:</source>
        <translation>到：</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/metrics_page.py" line="88"/>
        <source>Promise:</source>
        <translation>承诺：</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/metrics_page.py" line="104"/>
        <source>Open this tab to compute the figures.</source>
        <translation>打开此页即计算指标。</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/metrics_page.py" line="109"/>
        <source>Click a bar to list the incidents that missed the promise.</source>
        <translation>点击柱形，列出未按时兑现承诺的故障。</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/metrics_page.py" line="179"/>
        <source>On time per level and month</source>
        <translation>各级别每月按时率</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/metrics_page.py" line="181"/>
        <source>Incidents by category</source>
        <translation>各类别故障数</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/metrics_page.py" line="185"/>
        <source>Time to respond</source>
        <translation>响应用时</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/metrics_page.py" line="186"/>
        <source>Time to resolve</source>
        <translation>解决用时</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/metrics_page.py" line="188"/>
        <source>Incidents per time taken</source>
        <translation>按用时分布的故障数</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/metrics_page.py" line="212"/>
        <source>Computing…</source>
        <translation>正在计算…</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/metrics_page.py" line="225"/>
        <source>The figures could not be computed: %1</source>
        <translation>无法计算指标：%1</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/metrics_page.py" line="246"/>
        <source>all customers</source>
        <translation>全部客户</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/metrics_page.py" line="248"/>
        <source>%1 incidents of %2, %3 to %4</source>
        <translation>%2：%3 至 %4 共 %1 起故障</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/metrics_page.py" line="265"/>
        <location filename="../../kbapp/gui/metrics_page.py" line="296"/>
        <source>Level %1</source>
        <translation>%1 级</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/metrics_page.py" line="272"/>
        <source>Incidents</source>
        <translation>故障数</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/metrics_page.py" line="302"/>
        <source>Loading %1…</source>
        <translation>正在读取 %1…</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/metrics_page.py" line="312"/>
        <source>Missed: %1 — %2 incidents (double-click to open one)</source>
        <translation>未按时：%1 — %2 起故障（双击打开）</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/metrics_page.py" line="331"/>
        <source>Metrics</source>
        <translation>服务指标</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/metrics_page.py" line="337"/>
        <source>Monthly report written: %1</source>
        <translation>月度报告已写入：%1</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/metrics_page.py" line="342"/>
        <source>Show &amp;Metrics</source>
        <translation>显示服务指标(&amp;M)</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/metrics_page.py" line="344"/>
        <source>Monthly Service &amp;Report…</source>
        <translation>月度系统运行状况分析报告(&amp;R)…</translation>
    </message>
</context>
<context>
    <name>MissedModel</name>
    <message>
        <location filename="../../kbapp/gui/metrics_models.py" line="97"/>
        <source>#</source>
        <translation>#</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/metrics_models.py" line="97"/>
        <source>Incident</source>
        <translation>故障</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/metrics_models.py" line="98"/>
        <source>Level</source>
        <translation>级别</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/metrics_models.py" line="98"/>
        <source>Customer</source>
        <translation>客户单位</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/metrics_models.py" line="99"/>
        <source>Promise</source>
        <translation>承诺</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/metrics_models.py" line="99"/>
        <source>Due</source>
        <translation>截止</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/metrics_models.py" line="100"/>
        <source>Met</source>
        <translation>完成</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/metrics_models.py" line="100"/>
        <source>Why</source>
        <translation>原因</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/metrics_models.py" line="136"/>
        <source>never</source>
        <translation>未完成</translation>
    </message>
</context>
<context>
    <name>MoveDialog</name>
    <message>
        <location filename="../../kbapp/gui/records_page.py" line="252"/>
        <source>Record #%1: move to %2</source>
        <translation>记录 #%1：流转到 %2</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/records_page.py" line="256"/>
        <source>Choose the classification: technical, business or operation problem.</source>
        <translation>请选择问题分类：技术问题、业务问题或操作问题。</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/records_page.py" line="257"/>
        <source>Enter the proposed fix.</source>
        <translation>请填写拟定的修复方案。</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/records_page.py" line="258"/>
        <source>Enter the name of the supervisor who signed off the fix.</source>
        <translation>请填写签字确认修复方案的主管姓名。</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/records_page.py" line="259"/>
        <source>Enter the supervisor&apos;s role (a supervisor, manager or lead signs off).</source>
        <translation>请填写签字人职务（由主管、经理或负责人签字）。</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/records_page.py" line="260"/>
        <source>Enter the solution sent back to the reporter.</source>
        <translation>请填写回复报告人的解决方案。</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/records_page.py" line="261"/>
        <source>Enter how the problem was analysed.</source>
        <translation>请填写问题分析过程。</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/records_page.py" line="262"/>
        <source>Enter the cause of the problem.</source>
        <translation>请填写问题原因。</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/records_page.py" line="263"/>
        <source>Enter how it is kept from happening again.</source>
        <translation>请填写预防措施。</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/records_page.py" line="264"/>
        <source>Enter the tips given to the user.</source>
        <translation>请填写给用户的提示。</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/records_page.py" line="265"/>
        <source>Enter what changed in the system.</source>
        <translation>请填写变更记录（系统中改了什么）。</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/records_page.py" line="266"/>
        <source>Enter the answer given to the reporter.</source>
        <translation>请填写给报告人的答复。</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/records_page.py" line="271"/>
        <source>Fix proposed by %1; another person, a supervisor, signs it off.</source>
        <translation>处理建议由 %1 提出；须由另一位主管领导签字。</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/records_page.py" line="300"/>
        <source>An operation problem is explained to the reporter; the record then becomes a consultation.</source>
        <translation>操作问题向报告人解释说明后，该记录即转为咨询类记录。</translation>
    </message>
</context>
<context>
    <name>NewChangeDialog</name>
    <message>
        <location filename="../../kbapp/gui/changes_page.py" line="45"/>
        <source>New change request</source>
        <translation>新建变更申请</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/changes_page.py" line="53"/>
        <source>not estimated</source>
        <translation>未估算</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/changes_page.py" line="54"/>
        <source> working day(s)</source>
        <translation> 个工作日</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/changes_page.py" line="56"/>
        <source>as its kind suggests</source>
        <translation>按类型默认</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/changes_page.py" line="68"/>
        <source>Kind:</source>
        <translation>类型：</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/changes_page.py" line="68"/>
        <source>Title:</source>
        <translation>标题：</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/changes_page.py" line="69"/>
        <source>Estimate:</source>
        <translation>预计工作量：</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/changes_page.py" line="69"/>
        <source>Maintenance:</source>
        <translation>维护类别：</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/changes_page.py" line="70"/>
        <source>Customer:</source>
        <translation>客户单位：</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/changes_page.py" line="70"/>
        <source>Raised by:</source>
        <translation>提出人：</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/changes_page.py" line="71"/>
        <source>What is asked:</source>
        <translation>修改要求：</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/changes_page.py" line="85"/>
        <source>A new requirement needs its estimate in working days: up to 10 the department head approves it, more the company leadership.</source>
        <translation>新增需求须按工作日估算：10 个工作日以内由部门领导审批，超过的由公司领导审批。</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/changes_page.py" line="90"/>
        <source>A defect is fixed on the spot once logged: no approval.</source>
        <translation>缺陷登记备案后即时处理，无需审批。</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/changes_page.py" line="92"/>
        <source>Work starts after the approval of the %1.</source>
        <translation>经%1批准后开始实施。</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/changes_page.py" line="97"/>
        <source>The title is required.</source>
        <translation>标题必填。</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/changes_page.py" line="99"/>
        <source>Estimate the new requirement in working days.</source>
        <translation>请按工作日估算新增需求的工作量。</translation>
    </message>
</context>
<context>
    <name>NewIncidentDialog</name>
    <message>
        <location filename="../../kbapp/gui/incident_dialogs.py" line="46"/>
        <source>New incident</source>
        <translation>新建故障</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/incident_dialogs.py" line="72"/>
        <source>When the customer notified us; the 30-minute response counts from it</source>
        <translation>客户通知我们的时间；30 分钟响应时限从此时起算</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/incident_dialogs.py" line="112"/>
        <source>Title:</source>
        <translation>标题：</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/incident_dialogs.py" line="113"/>
        <source>Fault level:</source>
        <translation>故障级别：</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/incident_dialogs.py" line="114"/>
        <source>Category:</source>
        <translation>类别：</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/incident_dialogs.py" line="115"/>
        <source>Came in by:</source>
        <translation>受理渠道：</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/incident_dialogs.py" line="116"/>
        <source>Customer called at:</source>
        <translation>客户来电时间：</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/incident_dialogs.py" line="117"/>
        <source>Customer:</source>
        <translation>客户单位：</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/incident_dialogs.py" line="118"/>
        <source>System:</source>
        <translation>业务系统：</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/incident_dialogs.py" line="119"/>
        <source>Reported by:</source>
        <translation>报告人：</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/incident_dialogs.py" line="120"/>
        <source>Responsible:</source>
        <translation>责任人：</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/incident_dialogs.py" line="121"/>
        <source>Description:</source>
        <translation>描述：</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/incident_dialogs.py" line="122"/>
        <source>Suggested playbooks:</source>
        <translation>推荐预案：</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/incident_dialogs.py" line="123"/>
        <source>Or c&amp;hoose a playbook:</source>
        <translation>或手动选择预案(&amp;H)：</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/incident_dialogs.py" line="124"/>
        <source>Similar past incidents and reports:</source>
        <translation>类似的历史故障和报告：</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/incident_dialogs.py" line="128"/>
        <source>No playbook matches “%1”.</source>
        <translation>没有与“%1”匹配的预案。</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/incident_dialogs.py" line="200"/>
        <source>Nothing similar in the past.</source>
        <translation>以往没有类似情况。</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/incident_dialogs.py" line="130"/>
        <location filename="../../kbapp/gui/incident_dialogs.py" line="228"/>
        <source>The title is required.</source>
        <translation>标题为必填项。</translation>
    </message>
</context>
<context>
    <name>NewRecordDialog</name>
    <message>
        <location filename="../../kbapp/gui/records_page.py" line="191"/>
        <source>New problem record</source>
        <translation>新建问题记录</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/records_page.py" line="202"/>
        <source>now, or HH:MM, or 2026-03-01 14:05</source>
        <translation>留空为现在，或填 14:05、2026-03-01 14:05</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/records_page.py" line="210"/>
        <source>From incident #%1</source>
        <translation>来自故障 #%1</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/records_page.py" line="211"/>
        <source>Kind:</source>
        <translation>类型：</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/records_page.py" line="211"/>
        <source>Title:</source>
        <translation>标题：</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/records_page.py" line="212"/>
        <source>Raised by:</source>
        <translation>提出人：</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/records_page.py" line="212"/>
        <source>Place:</source>
        <translation>地点：</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/records_page.py" line="213"/>
        <source>Description:</source>
        <translation>描述：</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/records_page.py" line="213"/>
        <source>Raised at:</source>
        <translation>提出时间：</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/records_page.py" line="216"/>
        <source>Customer:</source>
        <translation>客户单位：</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/records_page.py" line="217"/>
        <source>System:</source>
        <translation>业务系统：</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/records_page.py" line="224"/>
        <source>The title is required.</source>
        <translation>标题为必填项。</translation>
    </message>
</context>
<context>
    <name>NotifiedAtDialog</name>
    <message>
        <location filename="../../kbapp/gui/incident_edit_dialogs.py" line="147"/>
        <source>Correct the notification time</source>
        <translation>更正通知时间</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/incident_edit_dialogs.py" line="153"/>
        <source>Why? e.g. the customer called at 02:40, logged at 02:55</source>
        <translation>原因？例如：客户 02:40 来电，02:55 才登记</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/incident_edit_dialogs.py" line="155"/>
        <source>Every deadline counts from the time the customer notified us.</source>
        <translation>所有时限都从客户通知我们的时间起算。</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/incident_edit_dialogs.py" line="158"/>
        <source>Customer called at:</source>
        <translation>客户来电时间：</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/incident_edit_dialogs.py" line="159"/>
        <source>Reason:</source>
        <translation>原因：</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/incident_edit_dialogs.py" line="167"/>
        <source>Change the time first.</source>
        <translation>请先修改时间。</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/incident_edit_dialogs.py" line="169"/>
        <source>Say why the time is corrected: it goes in the log.</source>
        <translation>请说明更正时间的原因：它会记入日志。</translation>
    </message>
</context>
<context>
    <name>PackDialog</name>
    <message>
        <location filename="../../kbapp/gui/training_dialogs.py" line="207"/>
        <source>Export training pack</source>
        <translation>导出培训资料</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/training_dialogs.py" line="211"/>
        <source>Include lessons learnt</source>
        <translation>包含经验教训</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/training_dialogs.py" line="214"/>
        <source>培训资料 Training pack</source>
        <translation>培训资料 Training pack</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/training_dialogs.py" line="217"/>
        <source>Playbooks in the pack:</source>
        <translation>培训资料包含的预案：</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/training_dialogs.py" line="221"/>
        <source>Cover title:</source>
        <translation>封面标题：</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/training_dialogs.py" line="222"/>
        <source>Trainer:</source>
        <translation>培训讲师：</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/training_dialogs.py" line="250"/>
        <source>Tick at least one playbook.</source>
        <translation>请至少勾选一个预案。</translation>
    </message>
</context>
<context>
    <name>PickDialog</name>
    <message>
        <location filename="../../kbapp/gui/training_dialogs.py" line="264"/>
        <source>PDF</source>
        <translation>PDF</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/training_dialogs.py" line="265"/>
        <source>Markdown</source>
        <translation>Markdown</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/training_dialogs.py" line="269"/>
        <source>Format:</source>
        <translation>格式：</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/training_dialogs.py" line="289"/>
        <source>Nothing to report on yet.</source>
        <translation>暂无可生成报告的内容。</translation>
    </message>
</context>
<context>
    <name>PlanDialog</name>
    <message>
        <location filename="../../kbapp/gui/incident_edit_dialogs.py" line="108"/>
        <source>Record a plan</source>
        <translation>记录方案</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/incident_edit_dialogs.py" line="110"/>
        <source>Handling plan (故障处理方案)</source>
        <translation>故障处理方案</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/incident_edit_dialogs.py" line="112"/>
        <source>Emergency plan (应急方案), level I: due 16 h after the call</source>
        <translation>应急方案（I 级）：来电后 16 小时内提出</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/incident_edit_dialogs.py" line="116"/>
        <source>Only a level I incident has an emergency plan</source>
        <translation>只有 I 级故障需要应急方案</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/incident_edit_dialogs.py" line="124"/>
        <source>What will be done, by whom, and when</source>
        <translation>做什么、由谁做、何时完成</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/incident_edit_dialogs.py" line="128"/>
        <source>Plan:</source>
        <translation>方案：</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/incident_edit_dialogs.py" line="137"/>
        <source>Write the plan first.</source>
        <translation>请先填写方案。</translation>
    </message>
</context>
<context>
    <name>PlanModels</name>
    <message>
        <location filename="../../kbapp/gui/plan_models.py" line="32"/>
        <source>Overdue by %1 day(s)</source>
        <translation>已逾期 %1 天</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/plan_models.py" line="32"/>
        <source>OK</source>
        <translation>正常</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/plan_models.py" line="33"/>
        <source>Missed: %1</source>
        <translation>未做：%1</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/plan_models.py" line="33"/>
        <source>incremental</source>
        <translation>增量备份</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/plan_models.py" line="34"/>
        <source>full</source>
        <translation>全备份</translation>
    </message>
</context>
<context>
    <name>PlanPages</name>
    <message>
        <location filename="../../kbapp/gui/plan_pages.py" line="80"/>
        <source>Change requests</source>
        <translation>变更申请</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/plan_pages.py" line="81"/>
        <source>Visits &amp;&amp; inspections</source>
        <translation>回访和巡检</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/plan_pages.py" line="82"/>
        <source>Show &amp;Change Requests</source>
        <translation>显示变更申请(&amp;C)</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/plan_pages.py" line="84"/>
        <source>Show &amp;Visits and Inspections</source>
        <translation>显示回访和巡检(&amp;V)</translation>
    </message>
</context>
<context>
    <name>PlaybookPicker</name>
    <message>
        <location filename="../../kbapp/gui/playbook_picker.py" line="28"/>
        <source>Loading the playbooks…</source>
        <translation>正在读取预案…</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/playbook_picker.py" line="37"/>
        <source>Use this playbook</source>
        <translation>使用此预案</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/playbook_picker.py" line="60"/>
        <source>Type a playbook&apos;s title or id, then Enter</source>
        <translation>输入预案标题或编号，按 Enter 选择</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/playbook_picker.py" line="65"/>
        <source>The playbooks cannot be read: %1</source>
        <translation>无法读取预案：%1</translation>
    </message>
</context>
<context>
    <name>PlaybookRunPanel</name>
    <message>
        <location filename="../../kbapp/gui/playbook_run_panel.py" line="63"/>
        <source>Note for this step (optional); Enter marks it done</source>
        <translation>本步骤备注（可选）；按 Enter 标记完成</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/playbook_run_panel.py" line="65"/>
        <source>Done (Ctrl+Enter)</source>
        <translation>完成（Ctrl+Enter）</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/playbook_run_panel.py" line="66"/>
        <source>Skip (Ctrl+Alt+S)</source>
        <translation>跳过（Ctrl+Alt+S）</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/playbook_run_panel.py" line="67"/>
        <source>Failed (Ctrl+Alt+F)</source>
        <translation>失败（Ctrl+Alt+F）</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/playbook_run_panel.py" line="75"/>
        <source>This step is the emergency plan (应急方案)</source>
        <translation>本步骤即应急方案</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/playbook_run_panel.py" line="82"/>
        <source>Measured value (optional)</source>
        <translation>实测值（可选）</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/playbook_run_panel.py" line="84"/>
        <source>Pass</source>
        <translation>通过</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/playbook_run_panel.py" line="85"/>
        <source>Fail</source>
        <translation>不通过</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/playbook_run_panel.py" line="86"/>
        <source>N/A</source>
        <translation>不适用</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/playbook_run_panel.py" line="138"/>
        <source>All steps are through.</source>
        <translation>所有步骤均已完成。</translation>
    </message>
</context>
<context>
    <name>ProblemsDialog</name>
    <message>
        <location filename="../../kbapp/gui/problems.py" line="15"/>
        <source>Library problems</source>
        <translation>知识库问题</translation>
    </message>
    <message numerus="yes">
        <location filename="../../kbapp/gui/problems.py" line="41"/>
        <source>%n file problem(s): these files are skipped or loaded as plain documents.</source>
        <translation>
            <numerusform>%n 个文件问题：这些文件被跳过，或作为普通文档加载。</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/problems.py" line="43"/>
        <source>The library has no problems.</source>
        <translation>知识库没有问题。</translation>
    </message>
</context>
<context>
    <name>ProblemsModel</name>
    <message>
        <location filename="../../kbapp/gui/models.py" line="82"/>
        <source>File</source>
        <translation>文件</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/models.py" line="82"/>
        <source>Line</source>
        <translation>行</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/models.py" line="83"/>
        <source>Severity</source>
        <translation>严重程度</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/models.py" line="83"/>
        <source>Message</source>
        <translation>说明</translation>
    </message>
</context>
<context>
    <name>ProposeChangeDialog</name>
    <message>
        <location filename="../../kbapp/gui/lesson_dialogs.py" line="142"/>
        <source>Propose a change to %1</source>
        <translation>提出对 %1 的修改</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/lesson_dialogs.py" line="152"/>
        <source>Markdown</source>
        <translation>Markdown</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/lesson_dialogs.py" line="153"/>
        <source>Diff</source>
        <translation>差异</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/lesson_dialogs.py" line="161"/>
        <source>&amp;Propose for review</source>
        <translation>提交审核(&amp;P)</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/lesson_dialogs.py" line="170"/>
        <source>Reason:</source>
        <translation>原因：</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/lesson_dialogs.py" line="187"/>
        <source>No changes yet.</source>
        <translation>尚无改动。</translation>
    </message>
</context>
<context>
    <name>ReadOnlyHome</name>
    <message>
        <location filename="../../kbapp/gui/read_only.py" line="27"/>
        <source>This data home (%1) is read-only: you can search, read and export to a folder you choose; nothing can be saved in it.</source>
        <translation>此数据目录（%1）是只读的：可以搜索、阅读，并导出到您选择的文件夹；其中不能保存任何内容。</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/read_only.py" line="33"/>
        <source>The data home %1 is read-only: this was not saved. Open a copy of it you can write (--home DIR), or ask for write access.</source>
        <translation>数据目录 %1 是只读的：本次操作未保存。请打开一份可写的副本（--home 目录），或申请写入权限。</translation>
    </message>
</context>
<context>
    <name>ReaderView</name>
    <message>
        <location filename="../../kbapp/gui/reader.py" line="64"/>
        <source>Open link</source>
        <translation>打开链接</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/reader.py" line="65"/>
        <source>This document links outside kbapp. Open it in your browser?

%1</source>
        <translation>此文档链接到 kbapp 之外。要在浏览器中打开吗？

%1</translation>
    </message>
</context>
<context>
    <name>RecordsModel</name>
    <message>
        <location filename="../../kbapp/gui/records_page.py" line="90"/>
        <source>ID</source>
        <translation>编号</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/records_page.py" line="90"/>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/records_page.py" line="91"/>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/records_page.py" line="91"/>
        <source>Title</source>
        <translation>标题</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/records_page.py" line="92"/>
        <source>Reporter</source>
        <translation>报告人</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/records_page.py" line="92"/>
        <source>Updated</source>
        <translation>更新时间</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/records_page.py" line="93"/>
        <source>Assigned to</source>
        <translation>交办</translation>
    </message>
</context>
<context>
    <name>RecordsPage</name>
    <message>
        <location filename="../../kbapp/gui/records_page.py" line="376"/>
        <source>Filter records</source>
        <translation>筛选记录</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/records_page.py" line="378"/>
        <source>New record…</source>
        <translation>新建记录…</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/records_page.py" line="399"/>
        <source>History</source>
        <translation>处理历史</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/records_page.py" line="419"/>
        <source>No problem records yet. A consultation (咨询类) or a defect (系统缺陷类) starts with “New record”, or from an incident (Incident menu).</source>
        <translation>还没有问题记录。咨询类或系统缺陷类记录可通过“新建记录”创建，也可从故障创建（“故障”菜单）。</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/records_page.py" line="457"/>
        <source>Raised at</source>
        <translation>提出时间</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/records_page.py" line="458"/>
        <source>Raised by</source>
        <translation>提出人</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/records_page.py" line="458"/>
        <source>Place</source>
        <translation>地点</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/records_page.py" line="459"/>
        <source>Customer</source>
        <translation>客户单位</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/records_page.py" line="459"/>
        <source>System</source>
        <translation>系统</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/records_page.py" line="460"/>
        <source>Created</source>
        <translation>创建</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/records_page.py" line="461"/>
        <source>Incident</source>
        <translation>关联故障</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/records_page.py" line="462"/>
        <source>Description</source>
        <translation>描述</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/records_page.py" line="464"/>
        <source>Converted</source>
        <translation>已转换</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/records_page.py" line="464"/>
        <source>From a defect record: an operation problem</source>
        <translation>由系统缺陷类记录转来：属操作问题</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/records_page.py" line="469"/>
        <source>Assigned to</source>
        <translation>交办</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/records_page.py" line="471"/>
        <source>Fix proposed by</source>
        <translation>处理建议提出人</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/records_page.py" line="493"/>
        <source>Move to %1…</source>
        <translation>流转到 %1…</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/records_page.py" line="501"/>
        <source>Finished: no further steps.</source>
        <translation>已完结，无后续步骤。</translation>
    </message>
</context>
<context>
    <name>ReportDialog</name>
    <message>
        <location filename="../../kbapp/gui/report_dialog.py" line="57"/>
        <source>Fault handling report — incident #%1</source>
        <translation>故障处理报告 — 故障 #%1</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/report_dialog.py" line="89"/>
        <source>Steps taken (from the log)</source>
        <translation>处理步骤（取自日志）</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/report_dialog.py" line="93"/>
        <source>Timeline (from the log)</source>
        <translation>时间线（取自日志）</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/report_dialog.py" line="97"/>
        <source>Loading the incident&apos;s log…</source>
        <translation>正在加载故障日志…</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/report_dialog.py" line="100"/>
        <source>Redact passwords, tokens and keys in exports</source>
        <translation>导出时隐去密码、令牌和密钥</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/report_dialog.py" line="103"/>
        <source>&amp;Submit report</source>
        <translation>提交报告(&amp;S)</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/report_dialog.py" line="105"/>
        <source>&amp;Export…</source>
        <translation>导出(&amp;E)…</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/report_dialog.py" line="108"/>
        <source>Add &amp;Lesson…</source>
        <translation>添加经验教训(&amp;L)…</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/report_dialog.py" line="133"/>
        <source>No steps were recorded.</source>
        <translation>未记录任何步骤。</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/report_dialog.py" line="140"/>
        <source>Filled in from the incident and its log; complete the fields marked *.</source>
        <translation>已根据故障及其日志自动填写；请补全标有 * 的字段。</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/report_dialog.py" line="168"/>
        <source>Saving…</source>
        <translation>正在保存…</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/report_dialog.py" line="178"/>
        <source>Report saved as %1; it is now searchable.</source>
        <translation>报告已保存为 %1，现在可以搜索到。</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/report_dialog.py" line="192"/>
        <source>%1 field(s) need attention.</source>
        <translation>%1 个字段需要处理。</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/report_dialog.py" line="197"/>
        <source>The report was not saved: %1</source>
        <translation>报告未保存：%1</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/report_dialog.py" line="203"/>
        <source>Export report</source>
        <translation>导出报告</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/report_dialog.py" line="215"/>
        <source>Exported to %1</source>
        <translation>已导出到 %1</translation>
    </message>
</context>
<context>
    <name>ReviewChangesDialog</name>
    <message>
        <location filename="../../kbapp/gui/lesson_dialogs.py" line="214"/>
        <source>Review playbook changes</source>
        <translation>审核预案修改</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/lesson_dialogs.py" line="232"/>
        <source>&amp;Approve and apply</source>
        <translation>批准并应用(&amp;A)</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/lesson_dialogs.py" line="234"/>
        <source>&amp;Reject…</source>
        <translation>驳回(&amp;R)…</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/lesson_dialogs.py" line="235"/>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/lesson_dialogs.py" line="268"/>
        <source>No changes are waiting for review.</source>
        <translation>没有待审核的修改。</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/lesson_dialogs.py" line="279"/>
        <source>Proposed by %1 at %2, on version %3. Reason: %4</source>
        <translation>由 %1 于 %2 基于第 %3 版提出。原因：%4</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/lesson_dialogs.py" line="295"/>
        <source>Reject change</source>
        <translation>驳回修改</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/lesson_dialogs.py" line="295"/>
        <source>Why is it rejected?</source>
        <translation>驳回原因：</translation>
    </message>
</context>
<context>
    <name>RunHeader</name>
    <message>
        <location filename="../../kbapp/gui/run_header.py" line="176"/>
        <source>响应 Acknowledge</source>
        <translation>响应</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/run_header.py" line="178"/>
        <source>I have the incident: meets the 30-minute response (Ctrl+Shift+A)</source>
        <translation>我已接手：满足 30 分钟响应时限（Ctrl+Shift+A）</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/run_header.py" line="180"/>
        <source>Escalate Now</source>
        <translation>立即升级</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/run_header.py" line="182"/>
        <source>Tell the next person up the escalation chain (Ctrl+Shift+E)</source>
        <translation>通知升级链中的上一级（Ctrl+Shift+E）</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/run_header.py" line="213"/>
        <source>Responsible: %1</source>
        <translation>负责人：%1</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/run_header.py" line="220"/>
        <source>Responded at %1; acknowledging again is logged (Ctrl+Shift+A)</source>
        <translation>已于 %1 响应；再次确认会记入日志（Ctrl+Shift+A）</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/run_header.py" line="238"/>
        <source>Due %1</source>
        <translation>截止 %1</translation>
    </message>
</context>
<context>
    <name>ScoreDialog</name>
    <message>
        <location filename="../../kbapp/gui/training_dialogs.py" line="300"/>
        <source>Drill #%1 — score</source>
        <translation>演练 #%1 — 评分</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/training_dialogs.py" line="311"/>
        <source>Save Report…</source>
        <translation>保存报告…</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/training_dialogs.py" line="315"/>
        <source>演练 DRILL — score</source>
        <translation>演练 DRILL — 评分</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/training_dialogs.py" line="325"/>
        <source>Order</source>
        <translation>步骤顺序</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/training_dialogs.py" line="326"/>
        <source>%1 of %2 expected steps in order</source>
        <translation>%2 个预期步骤中 %1 个顺序正确</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/training_dialogs.py" line="328"/>
        <source>; %1 step(s) off the path</source>
        <translation>；预期路径以外 %1 步</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/training_dialogs.py" line="329"/>
        <source>Decisions</source>
        <translation>分支判断</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/training_dialogs.py" line="330"/>
        <source>%1 wrong turn(s)</source>
        <translation>%1 处判断错误</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/training_dialogs.py" line="331"/>
        <source>Time</source>
        <translation>用时</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/training_dialogs.py" line="332"/>
        <source>%1 of %2 timed steps within target</source>
        <translation>%2 个计时步骤中 %1 个在目标时间内完成</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/training_dialogs.py" line="334"/>
        <source>Trainee:</source>
        <translation>受训人：</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/training_dialogs.py" line="339"/>
        <source>Step %1: went to step %2, the expected path goes to step %3</source>
        <translation>第 %1 步：转到了第 %2 步，预期应转到第 %3 步</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/training_dialogs.py" line="344"/>
        <source>Step %1 took %2 min; target %3 min</source>
        <translation>第 %1 步用时 %2 分钟，目标 %3 分钟</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/training_dialogs.py" line="348"/>
        <source>Missed steps: %1</source>
        <translation>遗漏的步骤：%1</translation>
    </message>
</context>
<context>
    <name>ServiceReportDialog</name>
    <message>
        <location filename="../../kbapp/gui/service_report_dialog.py" line="50"/>
        <source>Monthly service report</source>
        <translation>月度系统运行状况分析报告</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/service_report_dialog.py" line="67"/>
        <source>Improvement suggestions for the customer (Markdown)</source>
        <translation>给客户的改进建议（Markdown）</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/service_report_dialog.py" line="72"/>
        <source>&amp;Customer:</source>
        <translation>客户单位(&amp;C)：</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/service_report_dialog.py" line="73"/>
        <source>&amp;Month:</source>
        <translation>月份(&amp;M)：</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/service_report_dialog.py" line="74"/>
        <source>&amp;Suggestions:</source>
        <translation>改进建议(&amp;S)：</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/service_report_dialog.py" line="76"/>
        <source>Export &amp;PDF…</source>
        <translation>导出 PDF(&amp;P)…</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/service_report_dialog.py" line="78"/>
        <source>Export &amp;Markdown…</source>
        <translation>导出 Markdown(&amp;M)…</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/service_report_dialog.py" line="123"/>
        <source>Choose the customer the report is for.</source>
        <translation>请选择报告所属的客户单位。</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/service_report_dialog.py" line="125"/>
        <source>Gathering %1&apos;s %2…</source>
        <translation>正在汇总 %1 %2 的情况…</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/service_report_dialog.py" line="133"/>
        <source>%1 incidents, %2 missed promises, %3 inspections, %4 recurring faults.</source>
        <translation>%1 起故障，%2 项承诺未按时兑现，%3 次巡检，%4 类重复故障。</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/service_report_dialog.py" line="151"/>
        <source>Save monthly report</source>
        <translation>保存月度报告</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/service_report_dialog.py" line="159"/>
        <source>Writing %1…</source>
        <translation>正在写入 %1…</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/service_report_dialog.py" line="161"/>
        <source>Written: %1</source>
        <translation>已写入：%1</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/service_report_dialog.py" line="163"/>
        <source>Could not write the report: %1</source>
        <translation>无法写入报告：%1</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <location filename="../../kbapp/gui/settings_dialog.py" line="20"/>
        <source>Preferences</source>
        <translation>首选项</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/settings_dialog.py" line="24"/>
        <source>System default</source>
        <translation>跟随系统</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/settings_dialog.py" line="32"/>
        <source>Your name, e.g. 王工</source>
        <translation>您的姓名，例如 王工</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/settings_dialog.py" line="35"/>
        <source>A new language applies the next time kbapp starts. Your name goes on every action you log; it is kept in this data home.</source>
        <translation>新的界面语言将在下次启动 kbapp 时生效。您的姓名会记在每一项操作上，保存在此数据目录中。</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/settings_dialog.py" line="47"/>
        <source>Role:</source>
        <translation>角色：</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/settings_dialog.py" line="56"/>
        <source>Enter your name: it goes on every action you log.</source>
        <translation>请输入姓名：每一项记入日志的操作都会记下它。</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/settings_dialog.py" line="45"/>
        <source>Language:</source>
        <translation>界面语言：</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/settings_dialog.py" line="46"/>
        <source>Engineer name:</source>
        <translation>工程师姓名：</translation>
    </message>
</context>
<context>
    <name>StartDrillDialog</name>
    <message>
        <location filename="../../kbapp/gui/training_dialogs.py" line="85"/>
        <source>Start drill</source>
        <translation>开始演练</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/training_dialogs.py" line="92"/>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/training_dialogs.py" line="96"/>
        <source>Who is being trained</source>
        <translation>受训人员姓名</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/training_dialogs.py" line="99"/>
        <source>Who runs the drill</source>
        <translation>组织演练的人</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/training_dialogs.py" line="105"/>
        <source>Playbook:</source>
        <translation>预案：</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/training_dialogs.py" line="106"/>
        <source>Scenario card:</source>
        <translation>演练场景卡：</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/training_dialogs.py" line="107"/>
        <source>Trainee:</source>
        <translation>受训人：</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/training_dialogs.py" line="108"/>
        <source>Trainer:</source>
        <translation>培训师：</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/training_dialogs.py" line="139"/>
        <source>Scenario card</source>
        <translation>演练场景卡</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/training_dialogs.py" line="159"/>
        <source>Choose a playbook and a scenario card for it.</source>
        <translation>请选择预案及其演练场景卡。</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/training_dialogs.py" line="161"/>
        <source>Enter the trainee&apos;s name.</source>
        <translation>请填写受训人姓名。</translation>
    </message>
</context>
<context>
    <name>StartInspectionDialog</name>
    <message>
        <location filename="../../kbapp/gui/training_dialogs.py" line="169"/>
        <source>Start inspection</source>
        <translation>开始巡检</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/training_dialogs.py" line="175"/>
        <source>Optional, e.g. the site</source>
        <translation>可选，例如现场地点</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/training_dialogs.py" line="178"/>
        <source>Checklist:</source>
        <translation>巡检清单：</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/training_dialogs.py" line="179"/>
        <source>Inspector:</source>
        <translation>巡检人：</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/training_dialogs.py" line="180"/>
        <source>Customer:</source>
        <translation>客户单位：</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/training_dialogs.py" line="181"/>
        <source>System:</source>
        <translation>业务系统：</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/training_dialogs.py" line="182"/>
        <source>Title:</source>
        <translation>标题：</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/training_dialogs.py" line="198"/>
        <source>There is no inspection checklist in the library.</source>
        <translation>知识库中没有巡检清单。</translation>
    </message>
</context>
<context>
    <name>StepView</name>
    <message>
        <location filename="../../kbapp/gui/step_view.py" line="158"/>
        <location filename="../../kbapp/gui/step_view.py" line="160"/>
        <source>Copy (Ctrl+Shift+C)</source>
        <translation>复制（Ctrl+Shift+C）</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/step_view.py" line="158"/>
        <source>Copy</source>
        <translation>复制</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/step_view.py" line="161"/>
        <source>Copy the command to the clipboard; the copy is logged</source>
        <translation>把命令复制到剪贴板；复制会记入日志</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/step_view.py" line="174"/>
        <source>Mark this step done and go to the step this decision leads to (Alt+%1)</source>
        <translation>标记本步骤完成，并转到该判断指向的步骤（Alt+%1）</translation>
    </message>
</context>
<context>
    <name>TeamPoller</name>
    <message>
        <location filename="../../kbapp/gui/team_sync.py" line="131"/>
        <source>the server did not answer</source>
        <translation>服务器无响应</translation>
    </message>
    <message numerus="yes">
        <location filename="../../kbapp/gui/team_sync.py" line="154"/>
        <source>%n document(s) from the other desks</source>
        <translation>
            <numerusform>来自其他工位的 %n 份文档</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/team_sync.py" line="164"/>
        <source>Team: online</source>
        <translation>团队：在线</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/team_sync.py" line="166"/>
        <source>Team: syncing…</source>
        <translation>团队：同步中…</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/team_sync.py" line="168"/>
        <source>Team: offline, showing this desk&apos;s copy</source>
        <translation>团队：离线，显示本机副本</translation>
    </message>
    <message numerus="yes">
        <location filename="../../kbapp/gui/team_sync.py" line="170"/>
        <source>%n action(s) waiting to be sent</source>
        <translation>
            <numerusform>%n 项操作等待发送</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../kbapp/gui/team_sync.py" line="173"/>
        <source>this desk&apos;s clock is %n min ahead of the server&apos;s</source>
        <translation>
            <numerusform>本机时钟比服务器快 %n 分钟</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../kbapp/gui/team_sync.py" line="175"/>
        <source>this desk&apos;s clock is %n min behind the server&apos;s</source>
        <translation>
            <numerusform>本机时钟比服务器慢 %n 分钟</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>TimelineModel</name>
    <message>
        <location filename="../../kbapp/gui/incident_models.py" line="112"/>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/incident_models.py" line="112"/>
        <source>Actor</source>
        <translation>操作人</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/incident_models.py" line="113"/>
        <source>Action</source>
        <translation>操作</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/incident_models.py" line="113"/>
        <source>Details</source>
        <translation>详情</translation>
    </message>
</context>
<context>
    <name>TimelinePanel</name>
    <message>
        <location filename="../../kbapp/gui/timeline_panel.py" line="27"/>
        <source>Search the timeline (Ctrl+Shift+T)</source>
        <translation>搜索时间线（Ctrl+Shift+T）</translation>
    </message>
</context>
<context>
    <name>TrainingController</name>
    <message>
        <location filename="../../kbapp/gui/training.py" line="287"/>
        <source>Drills &amp;&amp; Inspections</source>
        <translation>演练与巡检</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/training.py" line="295"/>
        <source>&amp;Training</source>
        <translation>培训(&amp;T)</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/training.py" line="298"/>
        <source>Start &amp;Drill…</source>
        <translation>开始演练(&amp;D)…</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/training.py" line="299"/>
        <source>Start &amp;Inspection…</source>
        <translation>开始巡检(&amp;I)…</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/training.py" line="301"/>
        <source>Show Drills &amp;&amp; Inspections</source>
        <translation>显示演练与巡检</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/training.py" line="303"/>
        <source>Export Training &amp;Pack…</source>
        <translation>导出培训资料(&amp;P)…</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/training.py" line="305"/>
        <source>Drill &amp;Report…</source>
        <translation>演练报告(&amp;R)…</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/training.py" line="307"/>
        <source>Inspection R&amp;eport…</source>
        <translation>巡检报告(&amp;E)…</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/training.py" line="337"/>
        <source>演练模式 DRILL MODE</source>
        <translation>演练模式 DRILL MODE</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/training.py" line="342"/>
        <source>巡检 INSPECTION</source>
        <translation>巡检 INSPECTION</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/training.py" line="370"/>
        <source>Export training pack</source>
        <translation>导出培训资料</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/training.py" line="392"/>
        <source>Training pack saved to %1 (%2 pages)</source>
        <translation>培训资料已保存到 %1（共 %2 页）</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/training.py" line="396"/>
        <source>Training pack</source>
        <translation>培训资料</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/training.py" line="405"/>
        <source>Drill report</source>
        <translation>演练报告</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/training.py" line="405"/>
        <source>Inspection report</source>
        <translation>巡检报告</translation>
    </message>
</context>
<context>
    <name>TrainingPage</name>
    <message>
        <location filename="../../kbapp/gui/training.py" line="72"/>
        <source>No drill or inspection running. Start one from the Training menu.</source>
        <translation>当前没有进行中的演练或巡检。请从“培训”菜单开始。</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/training.py" line="90"/>
        <source>Finish Drill and Score</source>
        <translation>结束演练并评分</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/training.py" line="103"/>
        <source>Open Incident for Failed Item</source>
        <translation>为不通过项新建故障</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/training.py" line="106"/>
        <source>Finish Inspection</source>
        <translation>结束巡检</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/training.py" line="154"/>
        <source>Trainee:</source>
        <translation>受训人：</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/training.py" line="154"/>
        <source>Facts so far</source>
        <translation>已揭示的情况</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/training.py" line="154"/>
        <source>Situation</source>
        <translation>情景</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/training.py" line="160"/>
        <source>Step %1</source>
        <translation>第 %1 步</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/training.py" line="182"/>
        <source>Pass %1 · Fail %2 · N/A %3 · To do %4</source>
        <translation>通过 %1 · 不通过 %2 · 不适用 %3 · 待检 %4</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/training.py" line="232"/>
        <source>Inspection #%1 finished; its report is in Training ▸ Inspection Report…</source>
        <translation>巡检 #%1 已结束；报告见 培训 ▸ 巡检报告…</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/training.py" line="252"/>
        <source>Incident #%1 opened for item %2</source>
        <translation>已为检查项 %2 新建故障 #%1</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/training.py" line="262"/>
        <source>Save report</source>
        <translation>保存报告</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/training.py" line="268"/>
        <source>Report saved to %1</source>
        <translation>报告已保存到 %1</translation>
    </message>
</context>
<context>
    <name>VersionsDialog</name>
    <message>
        <location filename="../../kbapp/gui/lesson_dialogs.py" line="313"/>
        <source>Versions of %1</source>
        <translation>%1 的历史版本</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/lesson_dialogs.py" line="341"/>
        <source>v%1 (current)</source>
        <translation>v%1（当前）</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/lesson_dialogs.py" line="343"/>
        <source>v%1, replaced %2 (approved by %3)</source>
        <translation>v%1，%2 被替换（批准人 %3）</translation>
    </message>
</context>
<context>
    <name>VisitDialog</name>
    <message>
        <location filename="../../kbapp/gui/visits_page.py" line="109"/>
        <source>Record a visit to %1</source>
        <translation>记录对%1的回访</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/visits_page.py" line="109"/>
        <source>Record a visit</source>
        <translation>记录回访</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/visits_page.py" line="122"/>
        <source>One issue a line</source>
        <translation>每行一个问题</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/visits_page.py" line="123"/>
        <source>Customer:</source>
        <translation>客户单位：</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/visits_page.py" line="123"/>
        <source>Visitor:</source>
        <translation>回访人：</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/visits_page.py" line="124"/>
        <source>How:</source>
        <translation>方式：</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/visits_page.py" line="124"/>
        <source>Satisfaction:</source>
        <translation>满意度：</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/visits_page.py" line="125"/>
        <source>Remarks:</source>
        <translation>意见：</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/visits_page.py" line="125"/>
        <source>Issues raised:</source>
        <translation>提出的问题：</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/visits_page.py" line="130"/>
        <source>Name the customer.</source>
        <translation>请填写客户单位。</translation>
    </message>
</context>
<context>
    <name>VisitPlanDialog</name>
    <message>
        <location filename="../../kbapp/gui/visits_page.py" line="85"/>
        <source>New follow-up schedule</source>
        <translation>新建回访计划</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/visits_page.py" line="90"/>
        <source>Customer:</source>
        <translation>客户单位：</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/visits_page.py" line="90"/>
        <source>System:</source>
        <translation>系统：</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/visits_page.py" line="91"/>
        <source>Every:</source>
        <translation>周期：</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/visits_page.py" line="91"/>
        <source>First visit:</source>
        <translation>首次回访：</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/visits_page.py" line="92"/>
        <source>Contact:</source>
        <translation>联系人：</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/visits_page.py" line="97"/>
        <source>Name the customer.</source>
        <translation>请填写客户单位。</translation>
    </message>
</context>
<context>
    <name>VisitsModel</name>
    <message>
        <location filename="../../kbapp/gui/plan_models.py" line="133"/>
        <source>Visited</source>
        <translation>回访时间</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/plan_models.py" line="133"/>
        <source>Customer</source>
        <translation>客户单位</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/plan_models.py" line="134"/>
        <source>Visitor</source>
        <translation>回访人</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/plan_models.py" line="134"/>
        <source>How</source>
        <translation>方式</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/plan_models.py" line="135"/>
        <source>Satisfaction</source>
        <translation>满意度</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/plan_models.py" line="135"/>
        <source>Issues</source>
        <translation>问题数</translation>
    </message>
</context>
<context>
    <name>VisitsPage</name>
    <message>
        <location filename="../../kbapp/gui/visits_page.py" line="231"/>
        <source>New follow-up schedule…</source>
        <translation>新建回访计划…</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/visits_page.py" line="232"/>
        <source>Record a visit…</source>
        <translation>记录回访…</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/visits_page.py" line="233"/>
        <source>Make a problem record</source>
        <translation>转为问题记录</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/visits_page.py" line="234"/>
        <source>Make a change request…</source>
        <translation>转为变更申请…</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/visits_page.py" line="235"/>
        <source>New inspection plan…</source>
        <translation>新建巡检计划…</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/visits_page.py" line="236"/>
        <source>Start the inspection</source>
        <translation>开始巡检</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/visits_page.py" line="247"/>
        <source>Issues raised in the visit</source>
        <translation>回访中提出的问题</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/visits_page.py" line="253"/>
        <source>Follow-up visits (定期回访)</source>
        <translation>定期回访</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/visits_page.py" line="255"/>
        <source>Visits made</source>
        <translation>已做的回访</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/visits_page.py" line="256"/>
        <source>Scheduled inspections (巡检计划)</source>
        <translation>巡检计划</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/visits_page.py" line="310"/>
        <source>problem record #%1</source>
        <translation>问题记录 #%1</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/visits_page.py" line="312"/>
        <source>change request #%1</source>
        <translation>变更申请 #%1</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/visits_page.py" line="369"/>
        <source>Problem record #%1 made from the issue.</source>
        <translation>已由该问题生成问题记录 #%1。</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/visits_page.py" line="386"/>
        <source>Change request #%1 made from the issue.</source>
        <translation>已由该问题生成变更申请 #%1。</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/visits_page.py" line="403"/>
        <source>Select an inspection plan first.</source>
        <translation>请先选择一个巡检计划。</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/visits_page.py" line="408"/>
        <source>Inspection #%1 started: it is on the Drills &amp; Inspections tab.</source>
        <translation>巡检 #%1 已开始：在“演练与巡检”页。</translation>
    </message>
</context>
<context>
    <name>Writeups</name>
    <message>
        <location filename="../../kbapp/gui/writeups.py" line="23"/>
        <source>Write Fault &amp;Report…</source>
        <translation>填写故障处理报告(&amp;R)…</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/writeups.py" line="25"/>
        <source>Add Lesso&amp;n…</source>
        <translation>添加经验教训(&amp;N)…</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/writeups.py" line="26"/>
        <source>Propose Playbook &amp;Change…</source>
        <translation>提出预案修改(&amp;C)…</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/writeups.py" line="28"/>
        <source>Re&amp;view Playbook Changes…</source>
        <translation>审核预案修改(&amp;V)…</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/writeups.py" line="30"/>
        <source>Playbook &amp;Versions…</source>
        <translation>预案历史版本(&amp;V)…</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/writeups.py" line="41"/>
        <source>Problem records</source>
        <translation>问题记录</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/writeups.py" line="42"/>
        <source>Show Problem &amp;Records</source>
        <translation>显示问题记录(&amp;R)</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/writeups.py" line="44"/>
        <source>New Problem Record from Incident…</source>
        <translation>由故障新建问题记录…</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/writeups.py" line="58"/>
        <location filename="../../kbapp/gui/writeups.py" line="70"/>
        <source>Open an incident first (Ctrl+3).</source>
        <translation>请先打开一个故障（Ctrl+3）。</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/writeups.py" line="104"/>
        <location filename="../../kbapp/gui/writeups.py" line="119"/>
        <source>Open a playbook in the reader first.</source>
        <translation>请先在阅读区打开一个预案。</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/writeups.py" line="109"/>
        <source>Change #%1 proposed; it applies after review (Library ▸ Review Playbook Changes).</source>
        <translation>修改 #%1 已提出，审核通过后生效（知识库 ▸ 审核预案修改）。</translation>
    </message>
</context>
</TS>
